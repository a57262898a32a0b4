package io.fleetpulse.streams.detect;

import java.time.Duration;

/**
 * Every detector threshold, with CONTRACT.md's defaults. {@code quietPeriod} is how long a one-line
 * condition (a time jump, a full disk, throttling, an OOM kill, a storage error) stays firing after its
 * last line, and how long after "Voltage normalised" an under-voltage alert resolves. A fleet's active
 * devices are those seen within {@code fleetActiveWindow}.
 */
public record DetectionSettings(
    int crashloopRestarts,
    Duration crashloopWindow,
    Duration clockStep,
    int vpnTlsFailures,
    Duration vpnTlsWindow,
    Duration causeWindow,
    int dnsFailures,
    Duration dnsWindow,
    Duration diskTrendWindow,
    Duration diskFullHorizon,
    Duration diskCriticalHorizon,
    double diskMinFreeFraction,
    int supervisorTargetStateFailures,
    Duration supervisorWindow,
    Duration unreachableAfter,
    Duration quietPeriod,
    int fleetIncidentDevices,
    double fleetIncidentShare,
    Duration fleetIncidentWindow,
    Duration fleetActiveWindow) {

  public static DetectionSettings defaults() {
    return new DetectionSettings(
        2, Duration.ofMinutes(15),
        Duration.ofSeconds(10),
        2, Duration.ofMinutes(10), Duration.ofMinutes(15),
        3, Duration.ofMinutes(10),
        Duration.ofHours(6), Duration.ofHours(24), Duration.ofHours(4), 0.10,
        5, Duration.ofMinutes(30),
        Duration.ofMinutes(10),
        Duration.ofMinutes(30),
        5, 0.20, Duration.ofMinutes(10), Duration.ofHours(1));
  }

  /** How far back any detector looks from "now". */
  public Duration lookback() {
    Duration longest = diskTrendWindow;
    for (Duration d : new Duration[] {crashloopWindow, vpnTlsWindow.plus(causeWindow), dnsWindow, supervisorWindow, quietPeriod}) {
      longest = d.compareTo(longest) > 0 ? d : longest;
    }
    return longest;
  }
}
