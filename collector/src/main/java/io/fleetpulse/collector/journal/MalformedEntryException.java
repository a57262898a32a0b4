package io.fleetpulse.collector.journal;

/** A journal entry that cannot be accepted, with a reason a sender can act on. */
public final class MalformedEntryException extends Exception {

  private final boolean tooLarge;

  public MalformedEntryException(String reason) {
    this(reason, false);
  }

  private MalformedEntryException(String reason, boolean tooLarge) {
    super(reason);
    this.tooLarge = tooLarge;
  }

  /** A limit of {@link JournalLimits} was exceeded (HTTP 413 rather than 400). */
  public static MalformedEntryException tooLarge(String reason) {
    return new MalformedEntryException(reason, true);
  }

  public boolean tooLarge() {
    return tooLarge;
  }
}
