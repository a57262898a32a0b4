package io.fleetpulse.streams.extract;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.EventKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a journal entry into the device events it signals, by running it past every matcher.
 * Adding a signature means adding a matcher to the table, nothing else. Matchers of one kind are
 * alternatives: the first that matches speaks for the line. One extractor per stream task: it reuses
 * a buffer between entries, so it is not for concurrent use.
 */
public final class EventExtractor {

  /** The detail holding the log line an event came from: an alert's evidence. */
  public static final String LINE = "line";
  static final int MAX_LINE = 500;

  private final List<EventMatcher> matchers;
  /** Reused for every entry: an extractor belongs to one processor, run by one stream thread. */
  private final LetterPairs pairsOfMessage = new LetterPairs();

  public EventExtractor(List<EventMatcher> matchers) {
    this.matchers = List.copyOf(matchers);
  }

  /** Every signature fleetpulse knows. */
  public static EventExtractor standard() {
    return new EventExtractor(Signatures.all());
  }

  /**
   * The events of one entry, placed at {@code at}, the entry's robust event time. Most entries are
   * admitted by no matcher: they cost the matchers' cheap pre-filters and allocate nothing.
   */
  public List<DeviceEvent> extract(JournalEntry entry, Instant at) {
    if (entry.getMessage() == null) {
      return List.of();
    }
    pairsOfMessage.readFrom(entry.getMessage());
    String text = null;
    List<DeviceEvent> events = List.of();
    Set<EventKind> seen = null;
    for (EventMatcher matcher : matchers) {
      if (!matcher.admits(entry, pairsOfMessage)) {
        continue;
      }
      if (text == null) {
        text = MessageText.withoutPrefix(entry.getMessage());
      }
      Optional<MatchedEvent> matched = matcher.match(entry, text);
      if (matched.isEmpty()) {
        continue;
      }
      if (seen == null) {
        seen = EnumSet.noneOf(EventKind.class);
        events = new ArrayList<>(1);
      }
      if (!seen.add(matched.get().kind())) {
        continue;
      }
      events.add(event(entry, at, matched.get()));
    }
    return events;
  }

  private static DeviceEvent event(JournalEntry entry, Instant at, MatchedEvent match) {
    Map<String, String> details = new HashMap<>(match.details());
    details.put(LINE, line(entry.getMessage()));
    return DeviceEvent.newBuilder()
        .setDeviceUuid(entry.getDeviceUuid())
        .setFleet(entry.getFleet())
        .setKind(match.kind())
        .setAt(at)
        .setUnit(match.unit())
        .setSummary(match.summary())
        .setDetails(details)
        .setBootId(entry.getBootId())
        .setSeqnum(entry.getSeqnum())
        .setReceivedAt(entry.getReceivedAt())
        .build();
  }

  /** A log line as an event's {@link #LINE} detail: cut at {@value #MAX_LINE} characters. */
  public static String line(String message) {
    return message.length() > MAX_LINE ? message.substring(0, MAX_LINE) + "…" : message;
  }
}
