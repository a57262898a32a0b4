package io.fleetpulse.api.pipeline;

import org.apache.kafka.common.TopicPartition;

/**
 * Where a partition stands for its two kinds of readers: {@code highWatermark} is what read_uncommitted
 * readers may read up to, {@code lastStable} what read_committed readers (the streams) may: it stops at
 * the first transaction still open.
 */
public record PartitionOffsets(TopicPartition partition, long lastStable, long highWatermark) {

  /** Records written but not readable by read_committed readers yet. */
  public long pending() {
    return Math.max(0, highWatermark - lastStable);
  }
}
