package io.fleetpulse.streams.detect;

import java.time.Duration;

/**
 * Every detector threshold, with CONTRACT.md's defaults. {@code quietPeriod} is how long a one-line
 * condition (a time jump, a full disk, throttling, an OOM kill, a storage error) stays firing after its
 * last line, and how long after "Voltage normalised" an under-voltage alert resolves. A fleet's active
 * devices are those seen within {@code fleetActiveWindow}. A forward clock step within
 * {@code bootSyncWindow} of a boot is the clock of a device without a real-time clock being set by NTP
 * (a TIME_JUMP event with {@code source} {@code boot-sync}), not an alert.
 *
 * <p>Restart-rate outliers: a device whose unclean restarts within {@code outlierWindow} (for one check)
 * reach {@code outlierMinRestarts} and a robust z-score of {@code outlierRobustZ} against the devices of
 * its fleet seen within that window is WARN on the check, when the fleet has {@code outlierMinDevices}
 * such devices. 3.5 is Iglewicz and Hoaglin's recommended cut-off.
 */
public record DetectionSettings(
    int crashloopRestarts,
    Duration crashloopWindow,
    Duration clockStep,
    Duration bootSyncWindow,
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
    Duration fleetActiveWindow,
    Duration outlierWindow,
    double outlierRobustZ,
    int outlierMinRestarts,
    int outlierMinDevices) {

  public static DetectionSettings defaults() {
    return new DetectionSettings(
        2, Duration.ofMinutes(15),
        Duration.ofSeconds(10), Duration.ofMinutes(10),
        2, Duration.ofMinutes(10), Duration.ofMinutes(15),
        3, Duration.ofMinutes(10),
        Duration.ofHours(6), Duration.ofHours(24), Duration.ofHours(4), 0.10,
        5, Duration.ofMinutes(30),
        Duration.ofMinutes(10),
        Duration.ofMinutes(30),
        5, 0.20, Duration.ofMinutes(10), Duration.ofHours(1),
        Duration.ofHours(24), 3.5, 3, 5);
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
