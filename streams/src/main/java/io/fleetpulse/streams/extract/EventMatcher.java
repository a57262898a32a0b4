package io.fleetpulse.streams.extract;

import io.fleetpulse.schemas.JournalEntry;
import java.util.Optional;

/** Recognises one kind of journal line (one row of detection-signatures.md). */
public interface EventMatcher {

  /**
   * The cheap test run on every entry: could it be one of this matcher's lines (its source, and the
   * words its line must contain in the raw message)? Only entries admitted here pay for {@link #match}.
   * Must never reject an entry {@link #match} would recognise.
   *
   * @param pairsOfMessage the {@link LetterPairs} of the entry's message, computed once per entry
   */
  boolean admits(JournalEntry entry, LetterPairs pairsOfMessage);

  /**
   * @param text the entry's message without its program's prefix ({@link MessageText}), computed once
   *     per entry for all matchers that admit it
   */
  Optional<MatchedEvent> match(JournalEntry entry, String text);

  /** Convenience for one matcher alone. */
  default Optional<MatchedEvent> match(JournalEntry entry) {
    return entry.getMessage() == null || !admits(entry, LetterPairs.of(entry.getMessage()))
        ? Optional.empty()
        : match(entry, MessageText.withoutPrefix(entry.getMessage()));
  }
}
