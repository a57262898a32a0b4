package io.fleetpulse.streams.detect;

import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * VPN_TLS_FAILURE: ≥ N failed TLS attempts within the window, with the cause a support engineer would
 * name after reading the other units' logs around it. OpenVPN prints several lines per failed attempt
 * (VERIFY ERROR, OpenSSL, Fatal TLS error, SIGUSR1) within a second, then pauses before retrying, so
 * lines closer than {@link #SAME_ATTEMPT} are one attempt.
 *
 * <p>Causes, first that applies: CLOCK_SKEW (a clock step, or "not yet valid"/"expired" from OpenVPN or
 * the supervisor, within the cause window), DNS (name resolution failures in that window),
 * TLS_INTERCEPTION (an unknown issuer while the clock is sane: the masterclass's DPI case), else UNKNOWN.
 */
public final class VpnTlsDetector implements Detector {

  static final Duration SAME_ATTEMPT = Duration.ofSeconds(2);

  private final DetectionSettings settings;

  public VpnTlsDetector(DetectionSettings settings) {
    this.settings = settings;
  }

  @Override
  public List<Finding> evaluate(List<DeviceEvent> recent, Instant now) {
    List<DeviceEvent> failures = RecentEvents.of(recent, EventKind.VPN_TLS_FAILURE, now, settings.vpnTlsWindow());
    int attempts = attempts(failures);
    if (attempts < settings.vpnTlsFailures()) {
      return List.of();
    }
    Instant since = RecentEvents.first(failures);
    List<DeviceEvent> around = RecentEvents.within(recent, now,
        Duration.between(since.minus(settings.causeWindow()), now), e -> true);
    String cause = cause(around);
    List<DeviceEvent> evidence = new ArrayList<>(failures);
    evidence.addAll(around.stream().filter(e -> e.getKind() != EventKind.VPN_TLS_FAILURE && isCauseEvidence(e, cause)).toList());
    return List.of(new Finding(AlertKind.VPN_TLS_FAILURE, null, Severity.critical, cause, summary(attempts, cause), hint(cause),
        RecentEvents.evidence(evidence), since));
  }

  private static int attempts(List<DeviceEvent> failures) {
    int attempts = 0;
    Instant previous = null;
    for (DeviceEvent failure : failures) {
      if (previous == null || Duration.between(previous, failure.getAt()).compareTo(SAME_ATTEMPT) > 0) {
        attempts++;
      }
      previous = failure.getAt();
    }
    return attempts;
  }

  static String cause(List<DeviceEvent> around) {
    if (around.stream().anyMatch(VpnTlsDetector::showsClockSkew)) {
      return "CLOCK_SKEW";
    }
    if (around.stream().anyMatch(e -> e.getKind() == EventKind.DNS_FAILURE)) {
      return "DNS";
    }
    if (around.stream().anyMatch(VpnTlsDetector::showsUnknownIssuer)) {
      return "TLS_INTERCEPTION";
    }
    return "UNKNOWN";
  }

  private static boolean showsClockSkew(DeviceEvent e) {
    if (e.getKind() == EventKind.TIME_JUMP) {
      return true;
    }
    String text = (e.getDetails().getOrDefault("reason", "") + " " + e.getDetails().getOrDefault("error", "")).toLowerCase(Locale.ROOT);
    return (e.getKind() == EventKind.VPN_TLS_FAILURE || e.getKind() == EventKind.SUPERVISOR_ERROR)
        && (text.contains("not yet valid") || text.contains("has expired"));
  }

  private static boolean showsUnknownIssuer(DeviceEvent e) {
    String reason = e.getDetails().getOrDefault("reason", "");
    return e.getKind() == EventKind.VPN_TLS_FAILURE
        && (reason.contains("unable to get local issuer certificate") || reason.contains("self signed certificate in certificate chain")
            || reason.contains("unable to verify the first certificate"));
  }

  private static boolean isCauseEvidence(DeviceEvent e, String cause) {
    return switch (cause) {
      case "CLOCK_SKEW" -> showsClockSkew(e);
      case "DNS" -> e.getKind() == EventKind.DNS_FAILURE;
      default -> false;
    };
  }

  private static String summary(int attempts, String cause) {
    String why = switch (cause) {
      case "CLOCK_SKEW" -> ": the device clock is wrong";
      case "DNS" -> ": name resolution is failing";
      case "TLS_INTERCEPTION" -> ": the certificate chain is re-signed by an unknown CA (TLS interception)";
      default -> "";
    };
    return "VPN TLS handshake failed " + attempts + " times" + why;
  }

  private static String hint(String cause) {
    return switch (cause) {
      case "CLOCK_SKEW" -> Hints.VPN_CLOCK_SKEW;
      case "DNS" -> Hints.VPN_DNS;
      case "TLS_INTERCEPTION" -> Hints.VPN_INTERCEPTION;
      default -> Hints.VPN_UNKNOWN;
    };
  }
}
