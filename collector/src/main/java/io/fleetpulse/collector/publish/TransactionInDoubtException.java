package io.fleetpulse.collector.publish;

import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.KafkaException;

/**
 * Kafka may or may not have committed the entries: the broker went away during the commit. The push is
 * answered 503 at once; {@link #committed()} tells the outcome once Kafka is back, and until then the
 * device's re-send cannot be told apart from new entries.
 */
public final class TransactionInDoubtException extends KafkaException {

  private final transient CompletionStage<Boolean> committed;

  TransactionInDoubtException(Throwable cause, CompletionStage<Boolean> committed) {
    super("the outcome of a Kafka transaction is unknown: " + cause.getMessage(), cause);
    this.committed = committed;
  }

  /** Completes with true if the transaction turned out committed, false if aborted. */
  public CompletionStage<Boolean> committed() {
    return committed;
  }
}
