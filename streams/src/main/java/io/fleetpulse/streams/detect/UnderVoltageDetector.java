package io.fleetpulse.streams.detect;

import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.Severity;
import java.time.Instant;
import java.util.List;

/**
 * UNDER_VOLTAGE: any under-voltage line. It resolves once "Voltage normalised" followed the last one
 * and a quiet period has passed since; without that line it stays firing as long as it is in view.
 */
public final class UnderVoltageDetector implements Detector {

  private final DetectionSettings settings;

  public UnderVoltageDetector(DetectionSettings settings) {
    this.settings = settings;
  }

  @Override
  public List<Finding> evaluate(List<DeviceEvent> recent, Instant now) {
    List<DeviceEvent> drops = RecentEvents.of(recent, EventKind.UNDER_VOLTAGE, now, settings.lookback());
    if (drops.isEmpty()) {
      return List.of();
    }
    Instant lastDrop = drops.get(drops.size() - 1).getAt();
    boolean normalisedAndQuiet = RecentEvents.of(recent, EventKind.VOLTAGE_NORMAL, now, settings.lookback()).stream()
        .anyMatch(e -> !e.getAt().isBefore(lastDrop) && !e.getAt().plus(settings.quietPeriod()).isAfter(now));
    if (normalisedAndQuiet) {
      return List.of();
    }
    String summary = drops.size() + " under-voltage events detected, check/change the power supply ASAP";
    return List.of(new Finding(AlertKind.UNDER_VOLTAGE, null, Severity.warning, null, summary, Hints.UNDER_VOLTAGE,
        RecentEvents.evidence(drops), RecentEvents.first(drops)));
  }
}
