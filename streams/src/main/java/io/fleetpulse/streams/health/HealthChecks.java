package io.fleetpulse.streams.health;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.detect.CrashloopDetector;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CONTRACT.md's check list, named after balena's device diagnostics: which alert drives which check,
 * which units give a check data, and what an OK check says.
 */
public final class HealthChecks {

  public static final String CONTAINER_ENGINE = "check_container_engine";
  public static final String SUPERVISOR = "check_supervisor";
  public static final String TIMESYNC = "check_timesync";
  public static final String NETWORKING = "check_networking";
  public static final String LOCALDISK = "check_localdisk";
  public static final String UNDER_VOLTAGE = "check_under_voltage";
  public static final String TEMPERATURE = "check_temperature";
  public static final String USER_SERVICES = "check_user_services";
  public static final String MEMORY = "check_memory";
  public static final String STORAGE_MEDIA = "check_storage_media";
  /**
   * balena's diagnostics check whether the host OS was rolled back after an update; fleetpulse sees the rollback at the
   * boot it happens. Not among {@link #ALL}: a device shows it from its first OS_ROLLBACK alert on (OK once that
   * resolves), as a rule's own check appears, since most devices' journals never say anything about it.
   */
  public static final String OS_ROLLBACK = "check_os_rollback";
  /** The checks users' rules drive (CONTRACT.md, "Rules users write"), next to the built-in ones. */
  public static final String CUSTOM_PREFIX = "check_custom_";

  public static final List<String> ALL = List.of(CONTAINER_ENGINE, SUPERVISOR, TIMESYNC, NETWORKING, LOCALDISK,
      UNDER_VOLTAGE, TEMPERATURE, USER_SERVICES, MEMORY, STORAGE_MEDIA);

  private static final Map<String, String> OK_MESSAGES = Map.ofEntries(
      Map.entry(CONTAINER_ENGINE, "Container engine balena is running without unclean restarts"),
      Map.entry(SUPERVISOR, "Supervisor is running and healthy"),
      Map.entry(TIMESYNC, "Time is synchronized, no clock jumps"),
      Map.entry(NETWORKING, "No DNS or VPN failures"),
      Map.entry(LOCALDISK, "No low disk space or full disk"),
      Map.entry(UNDER_VOLTAGE, "No under-voltage events detected"),
      Map.entry(TEMPERATURE, "No cpu throttling events detected"),
      Map.entry(USER_SERVICES, "No user services restarting unexpectedly"),
      Map.entry(MEMORY, "No OOM kills"),
      Map.entry(STORAGE_MEDIA, "No storage media errors"),
      Map.entry(OS_ROLLBACK, "No OS rollbacks detected"));

  private HealthChecks() {}

  /** A custom check is a rule's ({@code check_custom_<name>}): OK while none of its alerts fire. */
  public static String okMessage(String check) {
    return OK_MESSAGES.getOrDefault(check, isCustom(check) ? "No alert from the rules driving this check" : null);
  }

  public static boolean isCustom(String check) {
    return check.startsWith(CUSTOM_PREFIX);
  }

  /** The check an alert drives: a rule's own (built-in or custom), or its kind's; none for device- and fleet-level alerts. */
  public static Optional<String> checkOf(Alert alert) {
    if (alert.getRule() != null) {
      return Optional.ofNullable(alert.getRule().getCheck());
    }
    return Optional.ofNullable(switch (alert.getKind()) {
      case CRASHLOOP -> restartCheckOf(alert.getSubject());
      case SUPERVISOR_UNHEALTHY -> SUPERVISOR;
      case TIME_JUMP -> TIMESYNC;
      case VPN_TLS_FAILURE, DNS_FAILURE -> NETWORKING;
      case DISK_FILLING, DISK_FULL -> LOCALDISK;
      case UNDER_VOLTAGE -> UNDER_VOLTAGE;
      case CPU_THROTTLING -> TEMPERATURE;
      case OOM_KILL -> MEMORY;
      case STORAGE_ERRORS -> STORAGE_MEDIA;
      case OS_ROLLBACK -> OS_ROLLBACK;
      default -> null;
    });
  }

  /** The check a unit's restarts count against: the engine, the supervisor, or the user services. */
  public static String restartCheckOf(String unit) {
    return CrashloopDetector.ENGINE.equals(unit) ? CONTAINER_ENGINE : CrashloopDetector.SUPERVISOR.equals(unit) ? SUPERVISOR : USER_SERVICES;
  }

  /** The checks a journal entry from this unit gives data to: the device is reporting on them. */
  public static List<String> fedBy(String unit) {
    return switch (Topics.canonicalUnitShortName(unit)) {
      case "balena" -> List.of(CONTAINER_ENGINE, USER_SERVICES);
      case "balena-supervisor" -> List.of(SUPERVISOR);
      case "chronyd", "systemd-timesyncd" -> List.of(TIMESYNC);
      case "openvpn", "dnsmasq", "NetworkManager" -> List.of(NETWORKING);
      case "kernel" -> List.of(UNDER_VOLTAGE, TEMPERATURE, MEMORY, STORAGE_MEDIA);
      default -> List.of();
    };
  }
}
