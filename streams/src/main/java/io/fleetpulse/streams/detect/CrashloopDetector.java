package io.fleetpulse.streams.detect;

import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.Severity;
import io.fleetpulse.streams.time.SpokenDuration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
        List<DeviceEvent> episode = episode(recent, unit, now);
        Duration span = Duration.between(RecentEvents.first(episode), episode.get(episode.size() - 1).getAt());
        findings.add(new Finding(AlertKind.CRASHLOOP, unit, severity(unit), null,
            message(unit, episode.size(), span.compareTo(settings.crashloopWindow()) > 0 ? span : null),
            hint(unit), RecentEvents.evidence(restarts), RecentEvents.first(restarts)));
      }
    });
    return findings;
  }

  /**
   * The unit's unclean restarts of this crash loop so far: back from the latest while each came within the window
   * of the next (as far back as the device's recent events go), so a summary says "20,013 unclean restarts in 3 h",
   * not the window's count.
   */
  private List<DeviceEvent> episode(List<DeviceEvent> recent, String unit, Instant now) {
    List<DeviceEvent> restarts = recent.stream().filter(e -> e.getKind() == EventKind.UNIT_RESTART && unit.equals(e.getUnit())
        && "false".equals(e.getDetails().get("clean")) && !e.getAt().isAfter(now)).toList();
    int first = restarts.size() - 1;
    while (first > 0 && Duration.between(restarts.get(first - 1).getAt(), restarts.get(first).getAt())
        .compareTo(settings.crashloopWindow()) <= 0) {
      first--;
    }
    return restarts.subList(first, restarts.size());
  }

  /**
   * balena's device-diagnostics wording, with "unclean" because clean exits are not counted, and how long the crash
   * loop has gone on when that is longer than the window ({@code null}: not).
   */
  private static String message(String unit, int restarts, Duration span) {
    String count = String.format(Locale.ROOT, "%,d", restarts);
    String lasting = span == null ? "" : " in " + SpokenDuration.of(span);
    return switch (unit) {
      case ENGINE -> "Container engine balena has " + count + " unclean restarts" + lasting + " and may be crashlooping";
      case SUPERVISOR -> "Supervisor has " + count + " unclean restarts" + lasting + " and may be crashlooping";
      default -> "User service '" + unit + "' is restarting unexpectedly, count: " + count + lasting;
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
