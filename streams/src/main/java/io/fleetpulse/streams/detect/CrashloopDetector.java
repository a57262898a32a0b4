package io.fleetpulse.streams.detect;

import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** CRASHLOOP: ≥ N unclean restarts of one unit within the window; clean exits do not count. */
public final class CrashloopDetector implements Detector {

  public static final String ENGINE = "balena.service";
  public static final String SUPERVISOR = "balena-supervisor.service";

  private final DetectionSettings settings;

  public CrashloopDetector(DetectionSettings settings) {
    this.settings = settings;
  }

  @Override
  public List<Finding> evaluate(List<DeviceEvent> recent, Instant now) {
    Map<String, List<DeviceEvent>> byUnit = new LinkedHashMap<>();
    for (DeviceEvent event : RecentEvents.of(recent, EventKind.UNIT_RESTART, now, settings.crashloopWindow())) {
      if ("false".equals(event.getDetails().get("clean"))) {
        byUnit.computeIfAbsent(event.getUnit(), unit -> new ArrayList<>()).add(event);
      }
    }
    List<Finding> findings = new ArrayList<>();
    byUnit.forEach((unit, restarts) -> {
      if (restarts.size() >= settings.crashloopRestarts()) {
        findings.add(new Finding(AlertKind.CRASHLOOP, unit, severity(unit), null, message(unit, restarts.size()),
            hint(unit), RecentEvents.evidence(restarts), RecentEvents.first(restarts)));
      }
    });
    return findings;
  }

  /** balena's device-diagnostics wording, with "unclean" because clean exits are not counted. */
  public static String message(String unit, int restarts) {
    return switch (unit) {
      case ENGINE -> "Container engine balena has " + restarts + " unclean restarts and may be crashlooping";
      case SUPERVISOR -> "Supervisor has " + restarts + " unclean restarts and may be crashlooping";
      default -> "User service '" + unit + "' is restarting unexpectedly, count: " + restarts;
    };
  }

  private static Severity severity(String unit) {
    return unit.equals(ENGINE) || unit.equals(SUPERVISOR) ? Severity.critical : Severity.warning;
  }

  private static String hint(String unit) {
    return switch (unit) {
      case ENGINE -> Hints.ENGINE_CRASHLOOP;
      case SUPERVISOR -> Hints.SUPERVISOR_CRASHLOOP;
      default -> Hints.SERVICE_CRASHLOOP;
    };
  }
}
