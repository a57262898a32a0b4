package io.fleetpulse.streams.detect;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.streams.extract.EventExtractor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/** Selections over a device's recent events that several detectors share. */
final class RecentEvents {

  private RecentEvents() {}

  static List<DeviceEvent> of(List<DeviceEvent> recent, EventKind kind, Instant now, Duration window) {
    return within(recent, now, window, event -> event.getKind() == kind);
  }

  static List<DeviceEvent> within(List<DeviceEvent> recent, Instant now, Duration window, Predicate<DeviceEvent> which) {
    Instant from = now.minus(window);
    return recent.stream().filter(e -> !e.getAt().isBefore(from) && !e.getAt().isAfter(now)).filter(which).toList();
  }

  /** The evidence of a set of events: their log lines, else their summaries. */
  static List<String> evidence(List<DeviceEvent> events) {
    return events.stream().map(e -> e.getDetails().getOrDefault(EventExtractor.LINE, e.getSummary())).toList();
  }

  static Instant first(List<DeviceEvent> events) {
    return events.get(0).getAt();
  }
}
