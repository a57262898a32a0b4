package io.fleetpulse.simulator;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * What fleetpulse should raise for one device replaying a failure: an alert of {@code alertKind} (for a
 * fleet-level scenario, the fleet's FLEET_INCIDENT) naming {@code cause} when the kind has one (else null).
 */
public record Expectation(String deviceUuid, String fleet, String scenario, String alertKind, String cause) {

  public boolean fleetLevel() {
    return alertKind.equals("FLEET_INCIDENT");
  }

  /** Whether {@code alert} (as the REST API shows it) is the one expected: the device's own, or the fleet's incident. */
  public boolean detectedBy(JsonObject alert) {
    return alertKind.equals(alert.getString("kind"))
        && (fleetLevel() ? alert.getString("device") == null && fleet.equals(alert.getString("fleet")) : deviceUuid.equals(alert.getString("device")))
        && (cause == null || Objects.equals(cause, alert.getString("cause")));
  }

  /** For people: "VPN_TLS_FAILURE (CLOCK_SKEW)". */
  public String expected() {
    return cause == null ? alertKind : alertKind + " (" + cause + ")";
  }
}
