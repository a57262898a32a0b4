package io.fleetpulse.streams.detect;

import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.Severity;
import io.fleetpulse.streams.extract.BootSync;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Every per-device detector, run together over a device's recent events. */
public final class Detectors {

  private final List<Detector> detectors;

  private Detectors(List<Detector> detectors) {
    this.detectors = List.copyOf(detectors);
  }

  public static Detectors standard(DetectionSettings settings) {
    return new Detectors(List.of(
        new CrashloopDetector(settings),
        new LineDetector(AlertKind.TIME_JUMP, EventKind.TIME_JUMP, Severity.warning, e -> null,
            (subject, jumps) -> "Clock jumped: " + jumps.get(jumps.size() - 1).getSummary(), Hints.CLOCK, settings.quietPeriod(),
            jump -> !BootSync.isBootSync(jump)),
        new VpnTlsDetector(settings),
        new DnsDetector(settings),
        new DiskFillingDetector(settings),
        new LineDetector(AlertKind.DISK_FULL, EventKind.DISK_FULL, Severity.critical, e -> null,
            (subject, lines) -> "No space left on device (" + lines.size() + " errors, last from " + lines.get(lines.size() - 1).getUnit() + ")",
            Hints.DISK, settings.quietPeriod()),
        new UnderVoltageDetector(settings),
        new LineDetector(AlertKind.CPU_THROTTLING, EventKind.CPU_THROTTLING, Severity.warning, e -> null,
            (subject, lines) -> lines.size() + " cpu throttling events detected, check CPU temperature", Hints.THROTTLING, settings.quietPeriod()),
        // One alert per medium, naming the parts it was seen as (the MMC host, the card, a partition).
        new LineDetector(AlertKind.STORAGE_ERRORS, EventKind.STORAGE_ERROR, Severity.critical, e -> StorageMedium.of(e.getDetails().get("device")),
            (medium, lines) -> lines.size() + (lines.size() == 1 ? " storage error on " : " storage errors on ") + medium + seenAs(medium, lines) + ", last: "
                + lines.get(lines.size() - 1).getDetails().get("error"),
            Hints.STORAGE, settings.quietPeriod()),
        new LineDetector(AlertKind.OOM_KILL, EventKind.OOM_KILL, Severity.warning, e -> e.getDetails().get("process"),
            (process, lines) -> "Out of memory: the kernel killed " + process + (lines.size() > 1 ? " " + lines.size() + " times" : ""),
            Hints.OOM, settings.quietPeriod()),
        new SupervisorDetector(settings),
        // balena's check_os_rollback: the rollback services put the previous OS back at boot. It stays as long as the
        // detectors look back (6 h by default), then the check is OK again: the device runs an OS that boots.
        new LineDetector(AlertKind.OS_ROLLBACK, EventKind.DEVICE_REBOOT, Severity.critical, e -> null,
            (subject, reboots) -> "OS rollback detected: the host OS update did not come up, and the device booted its previous OS ("
                + reboots.get(reboots.size() - 1).getDetails().getOrDefault("line", "rollback services") + ")",
            Hints.OS_ROLLBACK, settings.lookback(), reboot -> "true".equals(reboot.getDetails().get("rollback")))));
  }

  /** " (seen as mmc0, mmcblk0p6)" when the lines named the medium by other names too, else nothing. */
  private static String seenAs(String medium, List<DeviceEvent> lines) {
    List<String> names = lines.stream().map(line -> line.getDetails().get("device")).filter(name -> name != null && !name.equals(medium))
        .distinct().sorted().toList();
    return names.isEmpty() ? "" : " (seen as " + String.join(", ", names) + ")";
  }

  public List<Finding> evaluate(List<DeviceEvent> recent, Instant now) {
    List<Finding> findings = new ArrayList<>();
    for (Detector detector : detectors) {
      findings.addAll(detector.evaluate(recent, now));
    }
    return findings;
  }
}
