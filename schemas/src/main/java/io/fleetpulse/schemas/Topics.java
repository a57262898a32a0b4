package io.fleetpulse.schemas;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every Kafka topic name and record key of fleetpulse, in one place.
 *
 * <p>All device-scoped topics are keyed by the device uuid and created with one partition count,
 * so a device's journal, disk samples, events, alerts and health live on the same partition number
 * everywhere and the streams can correlate units without repartitioning.
 */
public final class Topics {

  public static final String JOURNAL_PREFIX = "fleet.journal.";
  public static final String JOURNAL_OTHER = JOURNAL_PREFIX + "other";
  public static final String METRICS_DISK = "fleet.metrics.disk";
  /** DeviceFacts records: what each device runs (OS, supervisor, app release), as it reported it or was read. */
  public static final String DEVICE_FACTS = "fleet.device.facts";
  public static final String COLLECTOR_CURSORS = "fleet.collector.cursors";
  /** Per device, the highest journal sequence number the push endpoints accepted (drops re-sent entries). */
  public static final String COLLECTOR_PUSH_MARKS = "fleet.collector.push-marks";
  /** DeviceStatus records: the SSH collector's connection state per device. */
  public static final String COLLECTOR_STATUS = "fleet.collector.status";
  public static final String EVENTS = "fleet.events";
  public static final String ALERTS = "fleet.alerts";
  /** Alerts a notifier route could not deliver after its retries, with the route and error in headers. */
  public static final String ALERTS_DEAD_LETTER = "fleet.alerts.dlq";
  public static final String HEALTH = "fleet.health";
  /** Silences and acknowledgements operators set through the API (JSON, compacted): what notifiers must not send. */
  public static final String SILENCES = "fleet.silences";
  /**
   * The users' rules file as last changed on any instance (text, compacted, one partition, one key): every api
   * instance follows it, so all run the same version.
   */
  public static final String RULES = "fleet.rules";
  /**
   * RestartOutlier verdicts of the fleet view, keyed by device uuid: how the fleet-wide restart-rate
   * comparison reaches the device-keyed health. Internal to the streams.
   */
  public static final String OUTLIERS = "fleet.outliers";

  /**
   * Units with a topic of their own, by the short name balenaOS uses today. Older balenaOS names are
   * mapped onto these by the collector's normalisation, so a topic never depends on the OS version.
   */
  public static final List<String> KNOWN_UNITS =
      List.of("balena", "balena-supervisor", "chronyd", "openvpn", "NetworkManager", "dnsmasq", "os-config", "kernel");

  private static final Map<String, String> LEGACY_UNIT_NAMES =
      Map.of("resin-supervisor", "balena-supervisor", "openvpn-resin", "openvpn", "resin", "balena");

  private static final Pattern DEVICE_UUID = Pattern.compile("[0-9a-f]{32}|[0-9a-f]{62}");

  private Topics() {}

  /** The journal topic for a systemd unit name such as {@code balena.service}, {@code kernel} or {@code myapp}. */
  public static String journalTopicFor(String unit) {
    String shortName = canonicalUnitShortName(unit);
    return KNOWN_UNITS.contains(shortName) ? JOURNAL_PREFIX + shortName : JOURNAL_OTHER;
  }

  /**
   * The short, current balenaOS name of a unit: {@code resin-supervisor.service} becomes
   * {@code balena-supervisor}. Names outside the known set are returned without their {@code .service}.
   */
  public static String canonicalUnitShortName(String unit) {
    if (unit == null || unit.isEmpty()) {
      return "other";
    }
    String shortName = unit.endsWith(".service") ? unit.substring(0, unit.length() - ".service".length()) : unit;
    return LEGACY_UNIT_NAMES.getOrDefault(shortName, shortName);
  }

  /**
   * A unit's name as today's balenaOS spells it, keeping its suffix:
   * {@code resin-supervisor.service} becomes {@code balena-supervisor.service}.
   */
  public static String canonicalUnitName(String unit) {
    String shortName = canonicalUnitShortName(unit);
    return unit != null && unit.endsWith(".service") ? shortName + ".service" : shortName;
  }

  /** All journal topics: one per known unit plus {@code fleet.journal.other}. */
  public static List<String> journalTopics() {
    List<String> topics = new ArrayList<>();
    for (String unit : KNOWN_UNITS) {
      topics.add(JOURNAL_PREFIX + unit);
    }
    topics.add(JOURNAL_OTHER);
    return Collections.unmodifiableList(topics);
  }

  /** Every topic keyed by device uuid; they must share one partition count. */
  public static List<String> deviceTopics() {
    List<String> topics = new ArrayList<>(journalTopics());
    topics.addAll(List.of(METRICS_DISK, DEVICE_FACTS, COLLECTOR_STATUS, EVENTS, ALERTS, HEALTH, OUTLIERS));
    return Collections.unmodifiableList(topics);
  }

  /** Topics that hold the latest value per key and are compacted. */
  public static List<String> compactedTopics() {
    return List.of(COLLECTOR_CURSORS, COLLECTOR_PUSH_MARKS, HEALTH, SILENCES, RULES);
  }

  /**
   * The record key of every device-scoped record: the device uuid, lower-case hex. Rejecting anything
   * else here keeps one device from ever landing under two keys (and two partitions).
   */
  public static String deviceKey(String uuid) {
    if (!isDeviceUuid(uuid)) {
      throw new IllegalArgumentException("not a device uuid (32 or 62 lower-case hex digits): " + uuid);
    }
    return uuid;
  }

  public static boolean isDeviceUuid(String uuid) {
    return uuid != null && DEVICE_UUID.matcher(uuid).matches();
  }
}
