package io.fleetpulse.streams.extract;

import io.fleetpulse.schemas.EventKind;
import java.util.Map;

/** What a matcher recognised in one journal line; the extractor adds device, time and provenance. */
public record MatchedEvent(EventKind kind, String unit, String summary, Map<String, String> details) {

  public MatchedEvent {
    details = Map.copyOf(details);
  }
}
