package io.fleetpulse.streams.extract;

import io.fleetpulse.schemas.JournalEntry;
import java.util.Optional;

/** Recognises one kind of journal line (one row of detection-signatures.md). */
public interface EventMatcher {

  /**
   * @param text the entry's message without its program's prefix ({@link MessageText}), computed once
   *     per entry for all matchers
   */
  Optional<MatchedEvent> match(JournalEntry entry, String text);

  /** Convenience for one matcher alone. */
  default Optional<MatchedEvent> match(JournalEntry entry) {
    return entry.getMessage() == null ? Optional.empty() : match(entry, MessageText.withoutPrefix(entry.getMessage()));
  }
}
