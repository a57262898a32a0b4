package io.fleetpulse.collector.publish;

import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * What Kafka acknowledged of one transaction's records, written by the producer's I/O thread: whether any,
 * and one with an offset to read the transaction's outcome back from ({@link TransactionOutcome}); a re-sent
 * batch the broker recognised as a duplicate is acknowledged without one.
 *
 * <p>Read it only after the producer is closed: a commit that timed out waiting for its records'
 * acknowledgements is still queued, and the producer's I/O thread sends it as soon as they arrive (a broker
 * coming back). Read before the close, "nothing acknowledged" can turn into a commit a moment later.
 */
public final class Acknowledgements {

  private volatile boolean any;
  private volatile RecordMetadata withOffset;

  /** For the send callback, on success. */
  public void add(RecordMetadata metadata) {
    any = true;
    if (metadata.hasOffset()) {
      withOffset = metadata;
    }
  }

  /** Whether Kafka acknowledged any record: without, the commit (sent only once all are) never went out. */
  public boolean any() {
    return any;
  }

  /** An acknowledged record with its offset, or null. */
  public RecordMetadata withOffset() {
    return withOffset;
  }
}
