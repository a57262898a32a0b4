package io.fleetpulse.api.fleet;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.DeviceStatus;
import io.fleetpulse.schemas.Status;
import io.fleetpulse.streams.alerts.AlertsStore;
import io.fleetpulse.streams.alerts.DeviceConnectionsStore;
import io.fleetpulse.streams.alerts.FiringAlertCounts;
import io.fleetpulse.streams.alerts.FiringAlertsStore;
import io.fleetpulse.streams.events.FleetEventCounts;
import io.fleetpulse.streams.fleet.FleetStores;
import io.fleetpulse.streams.releases.ReleaseRow;
import io.fleetpulse.streams.releases.ReleaseStores;
import io.fleetpulse.streams.health.DeviceHealthStores;
import io.fleetpulse.streams.health.DeviceStatusIndex;
import io.fleetpulse.streams.health.HealthCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * What a set of partitions knows about the fleet ({@link PartitionScope}: this instance's own, or the standby copies it
 * holds for an instance that does not answer): devices' health and alerts (per-device episodes and fleet incidents).
 * Fleet-wide answers combine this from every instance. Each partition is read on its own (IQv2, one result per
 * partition), because a store's partitions are each sorted, not together. Blocking (RocksDB): call from a worker thread.
 */
public final class LocalFleetState {

  private final KafkaStreams streams;

  public LocalFleetState(KafkaStreams streams) {
    this.streams = streams;
  }

  /** A device the SSH collector tails, and when its last entry arrived (null: connected, nothing logged since). */
  public record CollectorDevice(DeviceStatus status, Instant lastEntryAt) {}

  /**
   * Up to {@code limit} devices after {@code cursor} (exclusive; null: from the first) in uuid order that
   * {@code wanted} accepts: a range read per partition that stops at the page's end, so a page costs about its own
   * size per partition (plus the devices a filter skips), not the fleet's.
   */
  public List<DeviceHealth> devicesAfter(PartitionScope scope, String cursor, Predicate<DeviceHealth> wanted, int limit) {
    List<DeviceHealth> page = this.<DeviceHealth, DeviceHealth>pagePerPartition(scope, DeviceHealthStores.CURRENT, cursor, null, limit,
        (partition, entry) -> !entry.key.equals(cursor) && wanted.test(entry.value) ? entry.value : null);
    return firstN(page, DeviceHealth::getDeviceUuid, limit);
  }

  /**
   * Up to {@code limit} devices of {@code status} after {@code cursor} (exclusive; null: from the first) in uuid order
   * that {@code wanted} accepts: a range read of the status index ({@link DeviceStatusIndex}) per partition, so the
   * failing devices of a large fleet cost what fails, not the fleet.
   */
  public List<DeviceHealth> devicesAfter(PartitionScope scope, Status status, String cursor, Predicate<DeviceHealth> wanted, int limit) {
    String prefix = DeviceStatusIndex.prefix(status);
    String from = cursor == null ? prefix : DeviceStatusIndex.key(status, cursor);
    List<DeviceHealth> page = this.<String, DeviceHealth>pagePerPartition(scope, DeviceStatusIndex.STORE, from, prefix + Character.MAX_VALUE, limit,
        (partition, entry) -> {
          String device = entry.key.substring(prefix.length());
          DeviceHealth health = device.equals(cursor) ? null : current(partition, device);
          // Two stores read one after the other: a device whose status moved in between is skipped, never shown under the wrong one.
          return health != null && health.getStatus() == status && wanted.test(health) ? health : null;
        });
    return firstN(page, DeviceHealth::getDeviceUuid, limit);
  }

  /**
   * Up to {@code limit} devices the SSH collector tails after {@code cursor} (exclusive; null: from the first) in uuid
   * order that {@code wanted} accepts, with when each one's last entry arrived ({@link DeviceConnectionsStore}).
   */
  public List<CollectorDevice> collectorDevices(PartitionScope scope, String cursor, Predicate<DeviceStatus> wanted, int limit) {
    List<CollectorDevice> page = this.<DeviceStatus, CollectorDevice>pagePerPartition(scope, DeviceConnectionsStore.NAME, cursor, null, limit,
        (partition, entry) -> {
          if (entry.key.equals(cursor) || !wanted.test(entry.value)) {
            return null;
          }
          DeviceHealth health = current(partition, entry.key);
          return new CollectorDevice(entry.value, health == null ? null : health.getLastSeen());
        });
    return firstN(page, device -> device.status().getDeviceUuid(), limit);
  }

  /**
   * Up to {@code limit} devices after {@code cursor} in problems-first order (FAIL, WARN, UNKNOWN, OK, each in uuid
   * order) that {@code wanted} accepts: the status index read status by status, as far as the page goes.
   */
  public List<DeviceHealth> devicesByStatus(PartitionScope scope, StatusCursor cursor, Predicate<DeviceHealth> wanted, int limit) {
    List<DeviceHealth> page = new ArrayList<>();
    int from = cursor.status() == null ? 0 : StatusCursor.rank(cursor.status());
    for (int rank = from; rank < StatusCursor.PROBLEMS_FIRST.size() && page.size() < limit; rank++) {
      Status status = StatusCursor.PROBLEMS_FIRST.get(rank);
      page.addAll(devicesAfter(scope, status, rank == from ? cursor.uuid() : null, wanted, limit - page.size()));
    }
    return page;
  }

  /** The scope's share of the health counters ({@link HealthCounts}): a handful of entries, whatever the fleet size. */
  public Map<String, Long> healthCounts(PartitionScope scope) {
    Map<String, Long> counts = new HashMap<>();
    this.<Long>scanEntries(scope, HealthCounts.STORE, (key, count) -> counts.merge(key, count, Long::sum));
    return counts;
  }

  /**
   * Up to {@code limit} of the newest FIRING alerts of each partition that {@code wanted} accepts, then the firing
   * fleet incidents it accepts: the firing index is kept newest first, so a page of them costs about the page per
   * partition (plus what a filter skips), not every alert that fires.
   */
  public List<Alert> newestFiringAlerts(PartitionScope scope, Predicate<Alert> wanted, int limit) {
    List<Alert> alerts = new ArrayList<>(this.<Alert, Alert>pagePerPartition(scope, FiringAlertsStore.NAME, null, null, limit,
        (partition, entry) -> wanted.test(entry.value) ? entry.value : null));
    this.<Alert>scan(scope, FleetStores.INCIDENTS, incident -> {
      if (incident.getState() == AlertState.FIRING && wanted.test(incident)) {
        alerts.add(incident);
      }
    });
    return alerts;
  }

  /**
   * How many device alerts fire in the scope per fleet, kind and severity ({@link FiringAlertCounts}: a handful of
   * counters, whatever fires), by {@link FiringAlertCounts#key}; then its firing fleet incidents counted the same way.
   */
  public Map<String, Long> firingAlertCounts(PartitionScope scope) {
    Map<String, Long> counts = new HashMap<>();
    this.<Long>scanEntries(scope, FiringAlertCounts.NAME, (key, count) -> {
      if (FiringAlertCounts.isCounter(key)) {
        counts.merge(key, count, Long::sum);
      }
    });
    this.<Alert>scan(scope, FleetStores.INCIDENTS, incident -> {
      if (incident.getState() == AlertState.FIRING) {
        counts.merge(FiringAlertCounts.key(incident), 1L, Long::sum);
      }
    });
    return counts;
  }

  /**
   * The scope's events per fleet and kind ({@link FleetEventCounts} key) and hour, for the hours starting from
   * {@code from} to {@code to}: a few counters per hour, whatever the fleet's size.
   */
  public Map<String, Map<Instant, Long>> eventCounts(PartitionScope scope, Instant from, Instant to) {
    Map<String, Map<Instant, Long>> counts = new TreeMap<>();
    Optional<Set<Integer>> partitions = scope.of(FleetEventCounts.NAME);
    if (partitions.isPresent() && partitions.get().isEmpty()) {
      return counts;
    }
    StateQueryRequest<KeyValueIterator<Windowed<String>, Long>> request = StateQueryRequest.inStore(FleetEventCounts.NAME)
        .withQuery(WindowRangeQuery.<String, Long>withWindowStartRange(from, to));
    StateQueryResult<KeyValueIterator<Windowed<String>, Long>> result =
        streams.query(partitions.map(request::withPartitions).orElseGet(request::withAllPartitions));
    for (QueryResult<KeyValueIterator<Windowed<String>, Long>> partition : succeeded(FleetEventCounts.NAME, result.getPartitionResults()).values()) {
      try (KeyValueIterator<Windowed<String>, Long> hours = partition.getResult()) {
        hours.forEachRemaining(hour -> counts.computeIfAbsent(hour.key.key(), key -> new TreeMap<>())
            .merge(hour.key.window().startTime(), hour.value, Long::sum));
      }
    }
    return counts;
  }

  /** The scope's part of a fleet's releases as last judged ({@link ReleaseStores#REPORTS}: the fleet is one key range). */
  public List<ReleaseRow> releases(PartitionScope scope, String fleet) {
    List<ReleaseRow> rows = new ArrayList<>();
    for (QueryResult<KeyValueIterator<String, ReleaseRow>> partition : this.<ReleaseRow>range(scope, ReleaseStores.REPORTS, fleet + "|",
        fleet + "|\uffff").values()) {
      try (KeyValueIterator<String, ReleaseRow> releases = partition.getResult()) {
        releases.forEachRemaining(entry -> rows.add(entry.value));
      }
    }
    return rows;
  }

  /** Every alert of the scope: each (device, kind, subject)'s latest episode, and the fleet incidents. */
  public List<Alert> alerts(PartitionScope scope) {
    List<Alert> alerts = new ArrayList<>();
    this.<Alert>scan(scope, AlertsStore.NAME, alerts::add);
    this.<Alert>scan(scope, FleetStores.INCIDENTS, alerts::add);
    return alerts;
  }

  private DeviceHealth current(int partition, String device) {
    StateQueryResult<DeviceHealth> result = streams.query(StateQueryRequest.inStore(DeviceHealthStores.CURRENT)
        .withQuery(KeyQuery.<String, DeviceHealth>withKey(device)).withPartitions(Set.of(partition)));
    return succeeded(DeviceHealthStores.CURRENT, result.getPartitionResults()).get(partition).getResult();
  }

  private <V> void scan(PartitionScope scope, String storeName, Consumer<V> visitor) {
    this.<V>scanEntries(scope, storeName, (key, value) -> visitor.accept(value));
  }

  private <V> void scanEntries(PartitionScope scope, String storeName, BiConsumer<String, V> visitor) {
    for (QueryResult<KeyValueIterator<String, V>> partition : this.<V>range(scope, storeName, null, null).values()) {
      try (KeyValueIterator<String, V> all = partition.getResult()) {
        all.forEachRemaining(entry -> visitor.accept(entry.key, entry.value));
      }
    }
  }

  /** Each partition's entries from {@code from} to {@code to} (inclusive; null: unbounded), open: the caller closes them. */
  private <V> Map<Integer, QueryResult<KeyValueIterator<String, V>>> range(PartitionScope scope, String storeName, String from, String to) {
    StateQueryRequest<KeyValueIterator<String, V>> request =
        StateQueryRequest.inStore(storeName).withQuery(RangeQuery.<String, V>withRange(from, to));
    Optional<Set<Integer>> partitions = scope.of(storeName);
    if (partitions.isPresent() && partitions.get().isEmpty()) {
      return Map.of();
    }
    StateQueryResult<KeyValueIterator<String, V>> result =
        streams.query(partitions.map(request::withPartitions).orElseGet(request::withAllPartitions));
    return succeeded(storeName, result.getPartitionResults());
  }

  /** The results, if every partition answered; else the iterators opened are closed and the store counts as not queryable. */
  private static <R> Map<Integer, QueryResult<R>> succeeded(String storeName, Map<Integer, QueryResult<R>> results) {
    for (Map.Entry<Integer, QueryResult<R>> partition : results.entrySet()) {
      if (partition.getValue().isFailure()) {
        results.values().stream().filter(QueryResult::isSuccess).map(QueryResult::getResult)
            .filter(AutoCloseable.class::isInstance).forEach(open -> closeQuietly((AutoCloseable) open));
        throw new InvalidStateStoreException(storeName + " partition " + partition.getKey() + " is not queryable here: "
            + partition.getValue().getFailureReason() + " (" + partition.getValue().getFailureMessage() + ")");
      }
    }
    return new TreeMap<>(results);
  }

  private static void closeQuietly(AutoCloseable open) {
    try {
      open.close();
    } catch (Exception ignored) {
      // a read-only iterator: nothing to lose
    }
  }

  /**
   * Each partition's first {@code limit} entries from {@code from} to {@code to} (inclusive; null: unbounded) that
   * {@code row} turns into a row (null: skip the entry), all partitions together.
   */
  private <V, R> List<R> pagePerPartition(PartitionScope scope, String storeName, String from, String to, int limit,
                                          BiFunction<Integer, KeyValue<String, V>, R> row) {
    List<R> rows = new ArrayList<>();
    for (Map.Entry<Integer, QueryResult<KeyValueIterator<String, V>>> partition : this.<V>range(scope, storeName, from, to).entrySet()) {
      try (KeyValueIterator<String, V> entries = partition.getValue().getResult()) {
        int taken = 0;
        while (taken < limit && entries.hasNext()) {
          R next = row.apply(partition.getKey(), entries.next());
          if (next != null) {
            rows.add(next);
            taken++;
          }
        }
      }
    }
    return rows;
  }

  private static <R> List<R> firstN(List<R> rows, Function<R, String> uuid, int limit) {
    return rows.stream().sorted(Comparator.comparing(uuid)).limit(limit).toList();
  }
}
