package io.fleetpulse.api.pipeline;

import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * A transaction open on one partition, as that partition's leader sees it ({@code describeProducers}):
 * the producer holding it and the offset it started at, where read_committed readers stop.
 *
 * @param lastWriteMillis when the producer last wrote to the partition (epoch millis)
 */
public record OpenTransaction(TopicPartition partition, long producerId, int producerEpoch, int coordinatorEpoch,
                              long startOffset, long lastWriteMillis) {

  /** The marker that ends it as aborted, carrying {@code epoch}, written by the partition leader on the admin's request (KIP-664). */
  AbortTransactionSpec abortSpec(short epoch) {
    return new AbortTransactionSpec(partition, producerId, epoch, coordinatorEpoch);
  }
}
