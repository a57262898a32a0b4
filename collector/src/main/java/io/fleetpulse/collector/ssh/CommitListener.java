package io.fleetpulse.collector.ssh;

/** Told what became of a batch of one device's entries handed to the {@link TransactionalWriter}. */
interface CommitListener {

  /** False once the batch must not be written any more (an earlier batch of its session was aborted). */
  boolean stillWanted(long epoch);

  /** The batch is in Kafka, together with its last cursor. */
  void committed(String cursor, int bytes, int entries);

  /** The batch was not written; the device must be read again from its last committed cursor. */
  void aborted(int bytes, String reason);
}
