package io.fleetpulse.simulator;

/**
 * What fleetpulse should raise for one device replaying a failure: an alert of {@code alertKind} (for a
 * fleet-level scenario, the fleet's FLEET_INCIDENT) naming {@code cause} when the kind has one (else null).
 */
public record Expectation(String deviceUuid, String fleet, String scenario, String alertKind, String cause) {

  public boolean fleetLevel() {
    return alertKind.equals("FLEET_INCIDENT");
  }

  /** For people: "VPN_TLS_FAILURE (CLOCK_SKEW)". */
  public String expected() {
    return cause == null ? alertKind : alertKind + " (" + cause + ")";
  }
}
