package io.fleetpulse.streams.detect;

import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.Severity;
import java.time.Instant;
import java.util.List;

/**
 * SUPERVISOR_UNHEALTHY: a supervisor healthcheck failure within the quiet period, or ≥ N failures to get
 * the target state within the window.
 */
public final class SupervisorDetector implements Detector {

  private final DetectionSettings settings;

  public SupervisorDetector(DetectionSettings settings) {
    this.settings = settings;
  }

  @Override
  public List<Finding> evaluate(List<DeviceEvent> recent, Instant now) {
    List<DeviceEvent> healthchecks = RecentEvents.within(recent, now, settings.quietPeriod(), e -> isError(e, "healthcheck"));
    List<DeviceEvent> targetState = RecentEvents.within(recent, now, settings.supervisorWindow(), e -> isError(e, "target-state"));
    if (!healthchecks.isEmpty()) {
      return List.of(finding("Supervisor is running, but may be unhealthy: healthcheck failed", healthchecks));
    }
    if (targetState.size() >= settings.supervisorTargetStateFailures()) {
      String last = targetState.get(targetState.size() - 1).getDetails().getOrDefault("error", "");
      return List.of(finding("Supervisor failed to get its target state " + targetState.size() + " times (" + last + ")", targetState));
    }
    return List.of();
  }

  private static boolean isError(DeviceEvent e, String type) {
    return e.getKind() == EventKind.SUPERVISOR_ERROR && type.equals(e.getDetails().get("type"));
  }

  private static Finding finding(String summary, List<DeviceEvent> events) {
    return new Finding(AlertKind.SUPERVISOR_UNHEALTHY, null, Severity.critical, null, summary, Hints.SUPERVISOR,
        RecentEvents.evidence(events), RecentEvents.first(events));
  }
}
