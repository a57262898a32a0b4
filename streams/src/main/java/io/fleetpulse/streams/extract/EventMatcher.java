package io.fleetpulse.streams.extract;

import io.fleetpulse.schemas.JournalEntry;
import java.util.Optional;

/** Recognises one kind of journal line (one row of detection-signatures.md). */
public interface EventMatcher {

  Optional<MatchedEvent> match(JournalEntry entry);
}
