package io.fleetpulse.streams;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says what a start spends restoring state stores from their changelogs: a log line per store partition
 * restored (with the count), and {@code fleetpulse_streams_restored_records_total{store}}. After a clean
 * stop nothing should need restoring; after a kill -9, exactly-once stores are rebuilt, and this shows how much.
 */
final class RestoreProgress implements StateRestoreListener {

  private static final Logger log = LoggerFactory.getLogger(RestoreProgress.class);

  private final MeterRegistry metrics;

  RestoreProgress(MeterRegistry metrics) {
    this.metrics = metrics;
  }

  @Override
  public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
    if (endingOffset > startingOffset) {
      log.info("Restoring store {} from {} (offsets {} to {})", store, partition, startingOffset, endingOffset);
    }
  }

  @Override
  public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long restored) {
    counter(store).increment(restored);
  }

  @Override
  public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
    if (totalRestored > 0) {
      log.info("Restored store {} from {}: {} records", store, partition, totalRestored);
    }
  }

  private Counter counter(String store) {
    return Counter.builder("fleetpulse_streams_restored_records_total").tag("store", store)
        .description("Records read back from changelogs into state stores since this instance started").register(metrics);
  }
}
