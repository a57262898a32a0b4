package io.fleetpulse.api.notify;

import io.fleetpulse.api.alerts.AlertJson;
import io.fleetpulse.schemas.Alert;
import java.util.Set;

/** Which alerts a route takes: every listed kind, severity and fleet must match; an empty set matches all. */
public record AlertMatch(Set<String> kinds, Set<String> severities, Set<String> fleets) {

  public static final AlertMatch ALL = new AlertMatch(Set.of(), Set.of(), Set.of());

  public AlertMatch {
    kinds = Set.copyOf(kinds);
    severities = Set.copyOf(severities);
    fleets = Set.copyOf(fleets);
  }

  public boolean matches(Alert alert) {
    return (kinds.isEmpty() || kinds.contains(AlertJson.kindOf(alert)))
        && (severities.isEmpty() || severities.contains(alert.getSeverity().name()))
        && (fleets.isEmpty() || fleets.contains(alert.getFleet()));
  }
}
