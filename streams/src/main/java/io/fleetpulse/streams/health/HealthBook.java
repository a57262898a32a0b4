package io.fleetpulse.streams.health;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.HealthCheck;
import io.fleetpulse.schemas.Severity;
import io.fleetpulse.schemas.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;

/**
 * Keeps every device's {@link DeviceHealth} current. A check is UNKNOWN until the device sends data for
 * it, OK once it has, WARN or FAIL while an alert driving it fires (warning → WARN, critical → FAIL);
 * the device's status is the worst of its checks that have data, OK when it has sent data and nothing
 * fires. Every change of status or checks is also a version in the history store; {@code lastSeen}
 * alone is refreshed at most once per {@link #LAST_SEEN_RESOLUTION} so a busy device does not rewrite
 * its health with every line.
 *
 * <p>{@link #reported} runs for every journal entry, and almost always finds nothing to change. A
 * task-local memo of what this book last saw in the store (the checks with data, lastSeen) answers
 * that without reading and decoding the device's health. It can only lag the store, never lead it:
 * checks only ever gain data and lastSeen only moves forward, whichever processor writes them; so when
 * the memo says "nothing to change", the store would say so too. It starts empty with every processor
 * {@code init()}.
 */
public final class HealthBook {

  static final Duration LAST_SEEN_RESOLUTION = Duration.ofMinutes(1);

  private final KeyValueStore<String, DeviceHealth> current;
  private final VersionedKeyValueStore<String, DeviceHealth> history;
  private final Map<String, Reporting> reporting = new HashMap<>();

  /** What the store held for a device when this book last read or wrote it. */
  private record Reporting(Set<String> checksWithData, Instant lastSeen) {

    static Reporting of(DeviceHealth health) {
      Set<String> withData = new HashSet<>();
      for (HealthCheck check : health.getChecks()) {
        if (check.getStatus() != Status.UNKNOWN) {
          withData.add(check.getName());
        }
      }
      return new Reporting(withData, health.getLastSeen());
    }

    boolean unchangedBy(Collection<String> checks, Instant seen) {
      return lastSeen != null && seen.isBefore(lastSeen.plus(LAST_SEEN_RESOLUTION)) && checksWithData.containsAll(checks);
    }
  }

  public HealthBook(KeyValueStore<String, DeviceHealth> current, VersionedKeyValueStore<String, DeviceHealth> history) {
    this.current = current;
    this.history = history;
  }

  /** The device sent data feeding {@code checks} at {@code seen}; the new health if it changed. */
  public Optional<DeviceHealth> reported(String device, String fleet, Collection<String> checks, Instant seen) {
    Reporting known = reporting.get(device);
    if (known != null && known.unchangedBy(checks, seen)) {
      return Optional.empty();
    }
    DeviceHealth before = current.get(device);
    if (before != null) {
      Reporting stored = Reporting.of(before);
      reporting.put(device, stored);
      if (stored.unchangedBy(checks, seen)) {
        return Optional.empty();
      }
      if (before.getLastSeen() != null && stored.checksWithData().containsAll(checks)) {
        // Only lastSeen moves on (once a minute per busy device): no check or status can change.
        before.setLastSeen(seen);
        current.put(device, before);
        reporting.put(device, new Reporting(stored.checksWithData(), seen));
        return Optional.of(before);
      }
    }
    DeviceHealth health = before != null ? DeviceHealth.newBuilder(before).build() : fresh(device, fleet);
    List<HealthCheck> updated = new ArrayList<>();
    for (HealthCheck check : health.getChecks()) {
      updated.add(check.getStatus() == Status.UNKNOWN && checks.contains(check.getName())
          ? new HealthCheck(check.getName(), Status.OK, HealthChecks.okMessage(check.getName()), seen)
          : check);
    }
    health.setChecks(updated);
    Instant lastSeen = before != null && before.getLastSeen() != null && before.getLastSeen().isAfter(seen) ? before.getLastSeen() : seen;
    health.setLastSeen(lastSeen);
    return save(before, health, seen);
  }

  /**
   * The device's firing alerts are now {@code firing} and its fleet restart-outlier warnings
   * {@code outliers} (check → message); the new health if it changed. An outlier makes its check WARN
   * unless an alert fires there: the alert is the more specific news, and a FAIL stays a FAIL.
   */
  public Optional<DeviceHealth> alertsChanged(String device, String fleet, List<Alert> firing, Map<String, String> outliers, Instant at) {
    DeviceHealth before = current.get(device);
    DeviceHealth health = before != null ? DeviceHealth.newBuilder(before).build() : fresh(device, fleet);
    Map<String, Alert> worstByCheck = firing.stream()
        .filter(a -> HealthChecks.checkOf(a).isPresent())
        .collect(Collectors.toMap(a -> HealthChecks.checkOf(a).get(), Function.identity(),
            (a, b) -> rank(a.getSeverity()) >= rank(b.getSeverity()) ? a : b));
    List<HealthCheck> updated = new ArrayList<>();
    for (HealthCheck check : health.getChecks()) {
      Alert alert = worstByCheck.get(check.getName());
      String outlier = outliers.get(check.getName());
      Status status = alert != null ? statusOf(alert.getSeverity())
          : outlier != null ? Status.WARN : check.getStatus() == Status.UNKNOWN ? Status.UNKNOWN : Status.OK;
      String message = alert != null ? alert.getSummary()
          : outlier != null ? outlier : status == Status.OK ? HealthChecks.okMessage(check.getName()) : null;
      Instant since = status == check.getStatus() ? check.getSince() : at;
      updated.add(new HealthCheck(check.getName(), status, message, since));
    }
    health.setChecks(updated);
    return save(before, health, at);
  }

  private Optional<DeviceHealth> save(DeviceHealth before, DeviceHealth health, Instant at) {
    Status worst = worst(health.getChecks());
    health.setStatus(worst == Status.UNKNOWN && health.getLastSeen() != null ? Status.OK : worst);
    if (health.equals(before)) {
      return Optional.empty();
    }
    current.put(health.getDeviceUuid(), health);
    reporting.put(health.getDeviceUuid(), Reporting.of(health));
    boolean checksChanged = before == null || !Objects.equals(before.getChecks(), health.getChecks()) || before.getStatus() != health.getStatus();
    if (checksChanged) {
      history.put(health.getDeviceUuid(), health, at.toEpochMilli());
    }
    return Optional.of(health);
  }

  private static DeviceHealth fresh(String device, String fleet) {
    List<HealthCheck> checks = HealthChecks.ALL.stream().map(name -> new HealthCheck(name, Status.UNKNOWN, null, null)).toList();
    return DeviceHealth.newBuilder().setDeviceUuid(device).setFleet(fleet).setStatus(Status.UNKNOWN)
        .setLastSeen(null).setChecks(new ArrayList<>(checks)).build();
  }

  static Status worst(List<HealthCheck> checks) {
    Status worst = Status.UNKNOWN;
    for (HealthCheck check : checks) {
      if (check.getStatus() == Status.FAIL
          || (check.getStatus() == Status.WARN && worst != Status.FAIL)
          || (check.getStatus() == Status.OK && worst == Status.UNKNOWN)) {
        worst = check.getStatus();
      }
    }
    return worst;
  }

  private static Status statusOf(Severity severity) {
    return severity == Severity.critical ? Status.FAIL : severity == Severity.warning ? Status.WARN : Status.OK;
  }

  private static int rank(Severity severity) {
    return switch (severity) {
      case critical -> 2;
      case warning -> 1;
      case info -> 0;
    };
  }
}
