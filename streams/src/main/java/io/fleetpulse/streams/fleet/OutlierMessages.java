package io.fleetpulse.streams.fleet;

import io.fleetpulse.streams.health.HealthChecks;
import java.time.Duration;
import java.util.Locale;

/** How a restart-rate outlier reads on its check, in balena's diagnostics wording. */
final class OutlierMessages {

  private OutlierMessages() {}

  /** e.g. "Container engine balena restarted uncleanly 9 times in 24 h, far more than this fleet's typical 0–1 (robust z 6.2)". */
  static String outlier(String check, String lastUnit, int restarts, Duration window, int typicalLow, int typicalHigh, double robustZ) {
    String typical = typicalLow == typicalHigh ? Integer.toString(typicalLow) : typicalLow + "–" + typicalHigh;
    String which = HealthChecks.USER_SERVICES.equals(check) && !lastUnit.isEmpty() ? " (most recently " + lastUnit + ")" : "";
    return String.format(Locale.ROOT, "%s%s, far more than this fleet's typical %s (robust z %.1f)",
        restarted(check, restarts, window), which, typical, robustZ);
  }

  /** Why a verdict was withdrawn; the check itself then goes back to what its alerts say. */
  static String withdrawn(String check, int restarts, Duration window) {
    return restarted(check, restarts, window) + ": no longer an outlier in its fleet";
  }

  private static String restarted(String check, int restarts, Duration window) {
    String subject = switch (check) {
      case HealthChecks.CONTAINER_ENGINE -> "Container engine balena";
      case HealthChecks.SUPERVISOR -> "Supervisor";
      default -> "User services";
    };
    return subject + " restarted uncleanly " + restarts + (restarts == 1 ? " time" : " times") + " in " + describe(window);
  }

  private static String describe(Duration window) {
    return window.toMinutesPart() == 0 && window.toSecondsPart() == 0 ? window.toHours() + " h" : window.toMinutes() + " min";
  }
}
