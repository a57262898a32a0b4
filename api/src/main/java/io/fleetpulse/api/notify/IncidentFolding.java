package io.fleetpulse.api.notify;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps chat channels readable during a fleet-wide incident: while a FLEET_INCIDENT about kind K fires
 * in fleet F, F's per-device K alerts are counted instead of posted one by one, and the incident's
 * resolution says which were folded into it. Device alerts posted before the incident (those that made it)
 * are followed up once, when it fires: from then on the incident reports them, their resolutions included.
 * Transitions alone would leave the incident's message saying "5 of 5 devices" while it grows to 13: the
 * devices folded in since it was last announced are reported by {@link #unannounced()}, for a short update.
 *
 * <p>A pure function of the alerts it is shown, in order: a restarted route rebuilds it by showing it the
 * alerts it had handled before ({@link RouteWorker}).
 */
final class IncidentFolding {

  /** How many devices a message names; the rest are counted. */
  static final int NAMED_DEVICES = 10;

  /** What an incident's resolution reports: how many device alerts were folded into it, and of which devices. */
  record Folded(int alerts, List<String> devices) {
    static final Folded NONE = new Folded(0, List.of());
  }

  /** An incident that took in devices since its channel last heard of it: all its devices so far, and the new ones. */
  record Growth(Alert incident, List<String> devices, List<String> newDevices) {}

  /** Firing incidents by fleet and the alert kind they are about, with the device alerts folded so far. */
  private final Map<String, FoldedSoFar> firing = new HashMap<>();
  /** Device alerts posted and not resolved yet, by fleet and kind: alert id → device. */
  private final Map<String, Map<String, String>> posted = new HashMap<>();

  private static final class FoldedSoFar {
    final Alert incident;
    int alerts;
    final Set<String> devices = new LinkedHashSet<>();
    /** How many of {@link #devices} the channel has heard of. */
    int announced;

    FoldedSoFar(Alert incident) {
      this.incident = incident;
    }

    Folded result() {
      return new Folded(alerts, List.copyOf(devices));
    }
  }

  /** True when the alert is part of a firing incident and should not be posted on its own. */
  boolean fold(Alert alert) {
    // Fleet-level alerts (an incident itself, a release regression) are never part of an incident.
    if (alert.getKind() == AlertKind.FLEET_INCIDENT || alert.getDeviceUuid() == null) {
      return false;
    }
    String key = key(alert.getFleet(), alert.getKind().name());
    FoldedSoFar incident = firing.get(key);
    if (incident == null) {
      Map<String, String> open = posted.computeIfAbsent(key, ignored -> new LinkedHashMap<>());
      if (alert.getState() == AlertState.FIRING) {
        open.put(alert.getId(), alert.getDeviceUuid());
      } else {
        open.remove(alert.getId());
      }
      return false;
    }
    incident.alerts++;
    incident.devices.add(alert.getDeviceUuid());
    return true;
  }

  /**
   * Tracks incidents as they pass. For an incident that starts firing: the device alerts posted before it,
   * now part of it (its resolution reports them too), to be followed up once. For a resolved incident:
   * everything folded into it. Otherwise {@link Folded#NONE}.
   */
  Folded track(Alert alert) {
    if (alert.getKind() != AlertKind.FLEET_INCIDENT || alert.getSubject() == null) {
      return Folded.NONE;
    }
    String key = key(alert.getFleet(), alert.getSubject());
    if (alert.getState() == AlertState.FIRING) {
      if (firing.containsKey(key)) {
        return Folded.NONE; // the same incident again (its summary grew): already followed up
      }
      FoldedSoFar incident = new FoldedSoFar(alert);
      Map<String, String> before = posted.remove(key);
      if (before != null) {
        incident.alerts += before.size();
        incident.devices.addAll(before.values());
      }
      incident.announced = incident.devices.size();
      firing.put(key, incident);
      return incident.result();
    }
    FoldedSoFar incident = firing.remove(key);
    return incident == null ? Folded.NONE : incident.result();
  }

  /** The firing incidents with devices folded in since they were last reported here; from now on they count as reported. */
  List<Growth> unannounced() {
    List<Growth> grown = new ArrayList<>();
    for (FoldedSoFar incident : firing.values()) {
      if (incident.devices.size() > incident.announced) {
        List<String> devices = List.copyOf(incident.devices);
        grown.add(new Growth(incident.incident, devices, devices.subList(incident.announced, devices.size())));
        incident.announced = devices.size();
      }
    }
    return grown;
  }

  private static String key(String fleet, String kind) {
    return fleet + "\u0000" + kind;
  }
}
