package io.fleetpulse.streams.releases;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * RELEASE_REGRESSION, a fleet-level alert whose subject is the release, said in words a fleet operator acts on:
 * "release 3f2a1c0: crash loops on 9 of 20 devices, 0.45 per device-day against 0.02 on 9d81e07 (p < 0.001)".
 */
final class RegressionAlert {

  private RegressionAlert() {}

  static Alert opened(String fleet, ReleaseRow row, Instant now) {
    String identity = fleet + "|" + AlertKind.RELEASE_REGRESSION + "|" + row.release() + "|" + now.toEpochMilli();
    return Alert.newBuilder()
        .setId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString())
        .setDeviceUuid(null)
        .setFleet(fleet)
        .setKind(AlertKind.RELEASE_REGRESSION)
        .setSeverity(Severity.critical)
        .setState(AlertState.FIRING)
        .setSubject(row.release())
        .setSummary(summary(row))
        .setHint(hint(row))
        .setStartedAt(now)
        .setResolvedAt(null)
        .setEvidence(evidence(row))
        .build();
  }

  /** The firing alert with what the newest judgement says. */
  static Alert updated(Alert firing, ReleaseRow row) {
    return Alert.newBuilder(firing).setSummary(summary(row)).setHint(hint(row)).setEvidence(evidence(row)).build();
  }

  static String summary(ReleaseRow row) {
    String worst = row.regression().get(0);
    String more = row.regression().size() > 1 ? " (and " + (row.regression().size() - 1) + " more kinds)" : "";
    return "release " + row.release() + ": " + finding(row, worst) + more;
  }

  private static String finding(ReleaseRow row, String kind) {
    ReleaseRow.Comparison comparison = row.vsPrevious().get(kind);
    double before = comparison.ratio() == null ? 0 : row.rates().getOrDefault(kind, 0.0) / comparison.ratio();
    return words(kind) + " on " + row.devicesWith().getOrDefault(kind, 0) + " of " + row.devices() + " devices, "
        + rate(row.rates().getOrDefault(kind, 0.0)) + " per device-day against " + rate(before) + " on " + row.previous()
        + " (" + p(comparison.p()) + ")";
  }

  private static List<String> evidence(ReleaseRow row) {
    List<String> lines = new ArrayList<>();
    for (String kind : row.regression()) {
      lines.add(finding(row, kind));
    }
    return lines.subList(0, Math.min(3, lines.size()));
  }

  private static String hint(ReleaseRow row) {
    return "Compare release " + row.release() + " with " + row.previous() + " on one affected device (journal around its alerts); "
        + "pin the fleet's devices back to " + row.previous() + " if the release is at fault.";
  }

  /** A kind in words: CRASHLOOP is "crash loops", DEVICE_REBOOT:power-loss "power-loss reboots". */
  static String words(String kind) {
    int colon = kind.indexOf(':');
    if (colon > 0) {
      return kind.substring(colon + 1) + " " + words(kind.substring(0, colon));
    }
    return switch (kind) {
      case "CRASHLOOP" -> "crash loops";
      case "UNIT_RESTART" -> "unit restarts";
      case "DEVICE_REBOOT" -> "reboots";
      case "OOM_KILL" -> "OOM kills";
      case "DNS_FAILURE" -> "DNS failures";
      case "VPN_TLS_FAILURE" -> "VPN TLS failures";
      default -> kind.toLowerCase(Locale.ROOT).replace('_', ' ') + " events";
    };
  }

  private static String rate(double perDay) {
    return perDay >= 10 ? String.format(Locale.ROOT, "%.0f", perDay) : String.format(Locale.ROOT, "%.2f", perDay);
  }

  private static String p(double p) {
    return p < 0.001 ? "p < 0.001" : String.format(Locale.ROOT, "p = %.3f", p);
  }
}
