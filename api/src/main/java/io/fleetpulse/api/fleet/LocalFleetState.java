package io.fleetpulse.api.fleet;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.Status;
import io.fleetpulse.streams.alerts.AlertsStore;
import io.fleetpulse.streams.alerts.FiringAlertsStore;
import io.fleetpulse.streams.fleet.FleetStores;
import io.fleetpulse.streams.health.DeviceHealthStores;
import io.fleetpulse.streams.health.DeviceStatusIndex;
import io.fleetpulse.streams.health.HealthCounts;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What this instance's partitions know about the fleet: every local device's health and every local
 * alert (per-device episodes and fleet incidents). Fleet-wide answers combine this from every instance.
 * Blocking (RocksDB scans): call from a worker thread.
 */
public final class LocalFleetState {

  private final KafkaStreams streams;

  public LocalFleetState(KafkaStreams streams) {
    this.streams = streams;
  }

  /**
   * Up to {@code limit} local devices after {@code cursor} (exclusive; null: from the first) in uuid order that
   * {@code wanted} accepts: a range read of the store that stops at the page's end, so a page costs about its
   * own size (plus the devices a filter skips), not the fleet's.
   */
  public List<DeviceHealth> devicesAfter(String cursor, Predicate<DeviceHealth> wanted, int limit) {
    ReadOnlyKeyValueStore<String, DeviceHealth> store = streams.store(
        StoreQueryParameters.fromNameAndType(DeviceHealthStores.CURRENT, QueryableStoreTypes.keyValueStore()));
    List<DeviceHealth> page = new ArrayList<>();
    try (KeyValueIterator<String, DeviceHealth> after = store.range(cursor, null)) {
      while (page.size() < limit && after.hasNext()) {
        DeviceHealth health = after.next().value;
        if (!health.getDeviceUuid().equals(cursor) && wanted.test(health)) {
          page.add(health);
        }
      }
    }
    return page;
  }

  /**
   * Up to {@code limit} local devices of {@code status} after {@code cursor} (exclusive; null: from the first) in
   * uuid order that {@code wanted} accepts: a range read of the status index ({@link DeviceStatusIndex}), so the
   * failing devices of a large fleet cost what fails, not the fleet.
   */
  public List<DeviceHealth> devicesAfter(Status status, String cursor, Predicate<DeviceHealth> wanted, int limit) {
    ReadOnlyKeyValueStore<String, String> index = streams.store(
        StoreQueryParameters.fromNameAndType(DeviceStatusIndex.STORE, QueryableStoreTypes.keyValueStore()));
    ReadOnlyKeyValueStore<String, DeviceHealth> current = streams.store(
        StoreQueryParameters.fromNameAndType(DeviceHealthStores.CURRENT, QueryableStoreTypes.keyValueStore()));
    String from = cursor == null ? DeviceStatusIndex.prefix(status) : DeviceStatusIndex.key(status, cursor);
    String to = DeviceStatusIndex.prefix(status) + Character.MAX_VALUE;
    List<DeviceHealth> page = new ArrayList<>();
    try (KeyValueIterator<String, String> after = index.range(from, to)) {
      while (page.size() < limit && after.hasNext()) {
        String device = after.next().key.substring(DeviceStatusIndex.prefix(status).length());
        DeviceHealth health = device.equals(cursor) ? null : current.get(device);
        // Two stores read one after the other: a device whose status moved in between is skipped, never shown under the wrong one.
        if (health != null && health.getStatus() == status && wanted.test(health)) {
          page.add(health);
        }
      }
    }
    return page;
  }

  /**
   * Up to {@code limit} local devices after {@code cursor} in problems-first order (FAIL, WARN, UNKNOWN, OK, each
   * in uuid order) that {@code wanted} accepts: the status index read status by status, as far as the page goes.
   */
  public List<DeviceHealth> devicesByStatus(StatusCursor cursor, Predicate<DeviceHealth> wanted, int limit) {
    List<DeviceHealth> page = new ArrayList<>();
    int from = cursor.status() == null ? 0 : StatusCursor.rank(cursor.status());
    for (int rank = from; rank < StatusCursor.PROBLEMS_FIRST.size() && page.size() < limit; rank++) {
      Status status = StatusCursor.PROBLEMS_FIRST.get(rank);
      page.addAll(devicesAfter(status, rank == from ? cursor.uuid() : null, wanted, limit - page.size()));
    }
    return page;
  }

  /** This instance's share of the health counters ({@link HealthCounts}): a handful of entries, whatever the fleet size. */
  public Map<String, Long> healthCounts() {
    Map<String, Long> counts = new HashMap<>();
    this.<Long>scanEntries(HealthCounts.STORE, (key, count) -> counts.merge(key, count, Long::sum));
    return counts;
  }

  public void forEachDevice(Consumer<DeviceHealth> visitor) {
    this.<DeviceHealth>scan(DeviceHealthStores.CURRENT, visitor);
  }

  /**
   * This instance's FIRING alerts, device alerts newest first ({@link FiringAlertsStore}: a read of what fires,
   * not of every episode), then its firing fleet incidents.
   */
  public List<Alert> firingAlerts() {
    List<Alert> alerts = new ArrayList<>();
    this.<Alert>scan(FiringAlertsStore.NAME, alerts::add);
    this.<Alert>scan(FleetStores.INCIDENTS, incident -> {
      if (incident.getState() == AlertState.FIRING) {
        alerts.add(incident);
      }
    });
    return alerts;
  }

  /** Every alert this instance holds: each (device, kind, subject)'s latest episode, and the fleet incidents. */
  public List<Alert> alerts() {
    List<Alert> alerts = new ArrayList<>();
    this.<Alert>scan(AlertsStore.NAME, alerts::add);
    this.<Alert>scan(FleetStores.INCIDENTS, alerts::add);
    return alerts;
  }

  private <V> void scan(String storeName, Consumer<V> visitor) {
    this.<V>scanEntries(storeName, (key, value) -> visitor.accept(value));
  }

  private <V> void scanEntries(String storeName, BiConsumer<String, V> visitor) {
    ReadOnlyKeyValueStore<String, V> store = streams.store(StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.keyValueStore()));
    try (KeyValueIterator<String, V> all = store.all()) {
      all.forEachRemaining(entry -> visitor.accept(entry.key, entry.value));
    }
  }
}
