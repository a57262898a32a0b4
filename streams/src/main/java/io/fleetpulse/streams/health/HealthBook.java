package io.fleetpulse.streams.health;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.DeviceFacts;
import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.HealthCheck;
import io.fleetpulse.schemas.Severity;
import io.fleetpulse.schemas.Software;
import io.fleetpulse.schemas.Status;
import io.fleetpulse.streams.software.SoftwareFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;

/**
 * Keeps every device's {@link DeviceHealth} current. A check is UNKNOWN until the device sends data for
 * it, OK once it has, WARN or FAIL while an alert driving it fires (warning → WARN, critical → FAIL);
 * the device's status is the worst of its checks that have data, OK when it has sent data and nothing
 * fires. Every change of status or checks is also a version in the history store.
 *
 * <p>{@link #reported} runs for every journal entry, and almost always finds nothing to change but
 * {@code lastSeen}. A task-local memo of what this book last saw in the store (the checks with data,
 * lastSeen) answers that without touching the store, and notes the newest time seen; the notes are
 * written once a {@link #LAST_SEEN_ROUND} ({@link #refreshLastSeen}), for devices whose lastSeen moved on by at least
 * {@link #LAST_SEEN_RESOLUTION}, so a busy device does not rewrite its health with every line. The memo
 * can only lag the store, never lead it: checks only ever gain data and lastSeen only moves forward,
 * whichever processor writes them; so when the memo says "no check changes", the store would say so
 * too. It starts empty with every processor {@code init()}; notes not yet written when a task moves or
 * fails are taken again from the entries that follow.
 */
public final class HealthBook {

  static final Duration LAST_SEEN_RESOLUTION = Duration.ofMinutes(1);
  /** How often noted lastSeen moves are written (wall-clock time). */
  public static final Duration LAST_SEEN_ROUND = Duration.ofSeconds(10);

  private final KeyValueStore<String, DeviceHealth> current;
  private final VersionedKeyValueStore<String, DeviceHealth> history;
  private final HealthCounts counts;
  private final DeviceStatusIndex statuses;
  private final Map<String, Reporting> reporting = new HashMap<>();

  /** What the store held for a device when this book last read or wrote it, and the newest time seen since. */
  private static final class Reporting {
    /** One bit per check, by its place in {@link HealthChecks#ALL}: this runs for every entry. */
    final long checksWithData;
    final Instant storedLastSeen;
    Instant newestSeen;

    Reporting(long checksWithData, Instant storedLastSeen) {
      this.checksWithData = checksWithData;
      this.storedLastSeen = storedLastSeen;
    }

    static Reporting of(DeviceHealth health) {
      long withData = 0;
      for (HealthCheck check : health.getChecks()) {
        if (check.getStatus() != Status.UNKNOWN) {
          withData |= bit(check.getName());
        }
      }
      return new Reporting(withData, health.getLastSeen());
    }

    boolean hasDataFor(Collection<String> checks) {
      long wanted = bits(checks);
      return (checksWithData & wanted) == wanted;
    }

    private static long bits(Collection<String> checks) {
      long bits = 0;
      for (String check : checks) {
        bits |= bit(check);
      }
      return bits;
    }

    /** A custom check (a rule's) has no bit: no unit feeds it. */
    private static long bit(String check) {
      int place = HealthChecks.ALL.indexOf(check);
      return place < 0 ? 0 : 1L << place;
    }

    void saw(Instant seen) {
      if (newestSeen == null || seen.isAfter(newestSeen)) {
        newestSeen = seen;
      }
    }

    boolean lastSeenMovedOn() {
      return newestSeen != null && (storedLastSeen == null || !newestSeen.isBefore(storedLastSeen.plus(LAST_SEEN_RESOLUTION)));
    }
  }

  HealthBook(KeyValueStore<String, DeviceHealth> current, VersionedKeyValueStore<String, DeviceHealth> history, HealthCounts counts,
             DeviceStatusIndex statuses) {
    this.current = current;
    this.history = history;
    this.counts = counts;
    this.statuses = statuses;
  }

  /** The book over the stores a processor was given (current, history, counts, status index), counts and index rebuilt if missing. */
  /** The newest time the device's data has reached (its last seen), if it has any health yet. */
  public Optional<Instant> lastSeen(String device) {
    return Optional.ofNullable(current.get(device)).map(DeviceHealth::getLastSeen);
  }

  public static HealthBook of(ProcessorContext<?, ?> context) {
    KeyValueStore<String, DeviceHealth> current = context.getStateStore(DeviceHealthStores.CURRENT);
    HealthCounts counts = new HealthCounts(context.getStateStore(HealthCounts.STORE));
    counts.rebuildIfMissing(current);
    DeviceStatusIndex statuses = new DeviceStatusIndex(context.getStateStore(DeviceStatusIndex.STORE));
    statuses.rebuildIfMissing(current);
    return new HealthBook(current, context.getStateStore(DeviceHealthStores.HISTORY), counts, statuses);
  }

  /**
   * The device sent data feeding {@code checks} at {@code seen}; the new health if a check changed.
   * A later lastSeen alone is noted, and written by the next {@link #refreshLastSeen} round.
   */
  public Optional<DeviceHealth> reported(String device, String fleet, Collection<String> checks, Instant seen) {
    Reporting known = reporting.get(device);
    if (known == null) {
      DeviceHealth stored = current.get(device);
      if (stored != null && stored.getLastSeen() != null) {
        known = Reporting.of(stored);
        reporting.put(device, known);
      }
    }
    if (known != null && known.hasDataFor(checks)) {
      known.saw(seen);
      return Optional.empty();
    }
    DeviceHealth before = current.get(device);
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
   * Every {@link #LAST_SEEN_ROUND} of wall-clock time, writes the lastSeen of each device that moved on by at least
   * {@link #LAST_SEEN_RESOLUTION} since it was stored, and forwards its new health to {@code child}.
   * lastSeen alone is not a new version in the history: no check or status changes with it.
   */
  public void refreshLastSeen(ProcessorContext<String, Object> context, String child) {
    context.schedule(LAST_SEEN_ROUND, PunctuationType.WALL_CLOCK_TIME, now -> {
      for (Map.Entry<String, Reporting> device : reporting.entrySet()) {
        Reporting known = device.getValue();
        if (!known.lastSeenMovedOn()) {
          continue;
        }
        DeviceHealth health = current.get(device.getKey());
        if (health == null) {
          continue;
        }
        if (health.getLastSeen() == null || health.getLastSeen().isBefore(known.newestSeen)) {
          health.setLastSeen(known.newestSeen);
          current.put(device.getKey(), health);
          context.forward(new Record<String, Object>(device.getKey(), health, now), child);
        }
        device.setValue(Reporting.of(health));
      }
    });
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
    // A rule's own check appears with its first alert, and stays (OK once it stops firing).
    worstByCheck.forEach((check, alert) -> {
      if (updated.stream().noneMatch(known -> known.getName().equals(check))) {
        updated.add(new HealthCheck(check, statusOf(alert.getSeverity()), alert.getSummary(), at));
      }
    });
    health.setChecks(updated);
    return save(before, health, at);
  }

  /** The device reported what it runs ({@link SoftwareFacts}); the new health if that changed its software. */
  public Optional<DeviceHealth> softwareReported(DeviceFacts facts) {
    DeviceHealth before = current.get(facts.getDeviceUuid());
    Optional<Software> software = SoftwareFacts.merge(before == null ? null : before.getSoftware(), facts);
    if (software.isEmpty()) {
      return Optional.empty();
    }
    DeviceHealth health = before != null ? DeviceHealth.newBuilder(before).build() : fresh(facts.getDeviceUuid(), facts.getFleet());
    health.setSoftware(software.get());
    return save(before, health, facts.getAt());
  }

  private Optional<DeviceHealth> save(DeviceHealth before, DeviceHealth health, Instant at) {
    Status worst = worst(health.getChecks());
    health.setStatus(worst == Status.UNKNOWN && health.getLastSeen() != null ? Status.OK : worst);
    if (health.equals(before)) {
      return Optional.empty();
    }
    current.put(health.getDeviceUuid(), health);
    Reporting noted = reporting.get(health.getDeviceUuid());
    Reporting stored = Reporting.of(health);
    if (noted != null && noted.newestSeen != null) {
      stored.saw(noted.newestSeen);
    }
    reporting.put(health.getDeviceUuid(), stored);
    boolean checksChanged = before == null || !Objects.equals(before.getChecks(), health.getChecks()) || before.getStatus() != health.getStatus();
    if (checksChanged || !Objects.equals(before.getSoftware(), health.getSoftware())) {
      history.put(health.getDeviceUuid(), health, at.toEpochMilli());
    }
    if (checksChanged) {
      counts.changed(before, health);
      statuses.changed(before, health);
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
