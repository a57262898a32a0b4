package io.fleetpulse.api.notify;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps chat channels readable during a fleet-wide incident: while a FLEET_INCIDENT about kind K fires
 * in fleet F, F's per-device K alerts are counted instead of posted one by one, and the incident's
 * resolution says how many were folded into it.
 */
final class IncidentFolding {

  /** Firing incidents by fleet and the alert kind they are about, with the device alerts folded so far. */
  private final Map<String, Integer> folded = new HashMap<>();

  /** True when the alert is part of a firing incident and should not be posted on its own. */
  boolean fold(Alert alert) {
    if (alert.getKind() == AlertKind.FLEET_INCIDENT) {
      return false;
    }
    String key = key(alert.getFleet(), alert.getKind().name());
    Integer count = folded.get(key);
    if (count == null) {
      return false;
    }
    folded.put(key, count + 1);
    return true;
  }

  /**
   * Tracks incidents as they pass; returns how many device alerts were folded into {@code alert}
   * (non-zero only for a resolved incident).
   */
  int track(Alert alert) {
    if (alert.getKind() != AlertKind.FLEET_INCIDENT || alert.getSubject() == null) {
      return 0;
    }
    String key = key(alert.getFleet(), alert.getSubject());
    if (alert.getState() == AlertState.FIRING) {
      folded.putIfAbsent(key, 0);
      return 0;
    }
    Integer count = folded.remove(key);
    return count == null ? 0 : count;
  }

  private static String key(String fleet, String kind) {
    return fleet + "\u0000" + kind;
  }
}
