package io.fleetpulse.streams.extract;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.time.EventTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a journal entry into the device events it signals, by running it past every matcher.
 * Adding a signature means adding a matcher to the table, nothing else.
 */
public final class EventExtractor {

  private final List<EventMatcher> matchers;

  public EventExtractor(List<EventMatcher> matchers) {
    this.matchers = List.copyOf(matchers);
  }

  /** Every signature fleetpulse knows. */
  public static EventExtractor standard() {
    return new EventExtractor(List.of(new UnitRestartMatcher()));
  }

  public List<DeviceEvent> extract(JournalEntry entry) {
    List<DeviceEvent> events = new ArrayList<>(1);
    for (EventMatcher matcher : matchers) {
      matcher.match(entry).ifPresent(match -> events.add(DeviceEvent.newBuilder()
          .setDeviceUuid(entry.getDeviceUuid())
          .setFleet(entry.getFleet())
          .setKind(match.kind())
          .setAt(EventTime.of(entry))
          .setUnit(match.unit())
          .setSummary(match.summary())
          .setDetails(new java.util.HashMap<>(match.details()))
          .setBootId(entry.getBootId())
          .setSeqnum(entry.getSeqnum())
          .setReceivedAt(entry.getReceivedAt())
          .build()));
    }
    return events;
  }
}
