package io.fleetpulse.streams.detect;

import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Alerts that any single line fires (a time jump, a full disk, throttling, storage errors, an OOM kill):
 * firing while such a line is newer than the quiet period, one alert per subject.
 */
public final class LineDetector implements Detector {

  private final AlertKind kind;
  private final EventKind eventKind;
  private final Severity severity;
  private final Function<DeviceEvent, String> subject;
  private final BiFunction<String, List<DeviceEvent>, String> summary;
  private final String hint;
  private final Duration quietPeriod;
  private final Predicate<DeviceEvent> alerting;

  LineDetector(AlertKind kind, EventKind eventKind, Severity severity, Function<DeviceEvent, String> subject,
      BiFunction<String, List<DeviceEvent>, String> summary, String hint, Duration quietPeriod) {
    this(kind, eventKind, severity, subject, summary, hint, quietPeriod, event -> true);
  }

  /** @param alerting which lines of the kind alert at all (a time jump at boot does not) */
  LineDetector(AlertKind kind, EventKind eventKind, Severity severity, Function<DeviceEvent, String> subject,
      BiFunction<String, List<DeviceEvent>, String> summary, String hint, Duration quietPeriod, Predicate<DeviceEvent> alerting) {
    this.alerting = alerting;
    this.kind = kind;
    this.eventKind = eventKind;
    this.severity = severity;
    this.subject = subject;
    this.summary = summary;
    this.hint = hint;
    this.quietPeriod = quietPeriod;
  }

  @Override
  public List<Finding> evaluate(List<DeviceEvent> recent, Instant now) {
    Map<String, List<DeviceEvent>> bySubject = new LinkedHashMap<>();
    for (DeviceEvent event : RecentEvents.of(recent, eventKind, now, quietPeriod)) {
      if (!alerting.test(event)) {
        continue;
      }
      bySubject.computeIfAbsent(subject.apply(event), s -> new ArrayList<>()).add(event);
    }
    List<Finding> findings = new ArrayList<>();
    bySubject.forEach((s, events) -> findings.add(new Finding(kind, s, severity, null, summary.apply(s, events), hint,
        RecentEvents.evidence(events), RecentEvents.first(events))));
    return findings;
  }
}
