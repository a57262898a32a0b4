package io.fleetpulse.streams.health;

import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.HealthCheck;
import io.fleetpulse.schemas.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * How many of a task's devices are in each status, and how many fail or warn on each check, kept as the
 * health changes, so the fleet summary and the per-fleet gauges read a handful of counters instead of every
 * device's health. Keys: {@code total}, {@code status:<STATUS>}, {@code failing:<check>} (WARN or FAIL), and
 * the same per fleet: {@code fleet:<fleet>|status:<STATUS>}, {@code fleet:<fleet>|failing:<check>}. Written in
 * the same exactly-once transactions as the health itself, so the two never disagree. The marker
 * {@value #COUNTED} says the counters have this layout (absent: counted again from the health, once, at start).
 */
public final class HealthCounts {

  public static final String STORE = "device-health-counts";
  public static final String TOTAL = "total";
  public static final String STATUS = "status:";
  public static final String FAILING = "failing:";
  public static final String FLEET = "fleet:";
  static final String COUNTED = "counted:by-fleet";

  private final KeyValueStore<String, Long> counts;

  HealthCounts(KeyValueStore<String, Long> counts) {
    this.counts = counts;
  }

  public static StoreBuilder<KeyValueStore<String, Long>> builder() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Long());
  }

  /** A device's health went from {@code before} (null: new device) to {@code after}. */
  void changed(DeviceHealth before, DeviceHealth after) {
    Map<String, Long> delta = new HashMap<>();
    if (before != null) {
      contributions(before).forEach((key, one) -> delta.merge(key, -one, Long::sum));
    }
    contributions(after).forEach((key, one) -> delta.merge(key, one, Long::sum));
    delta.forEach((key, by) -> {
      if (by != 0) {
        Long now = counts.get(key);
        long next = (now == null ? 0 : now) + by;
        counts.put(key, next == 0 ? null : next);
      }
    });
  }

  /**
   * Counts what {@code current} holds when the counters are missing or of an earlier layout (a task whose health
   * predates them): once per task, at start.
   */
  void rebuildIfMissing(KeyValueStore<String, DeviceHealth> current) {
    if (counts.get(COUNTED) != null) {
      return;
    }
    List<String> earlier = new ArrayList<>();
    try (KeyValueIterator<String, Long> all = counts.all()) {
      all.forEachRemaining(counter -> earlier.add(counter.key));
    }
    earlier.forEach(counts::delete);
    try (KeyValueIterator<String, DeviceHealth> all = current.all()) {
      all.forEachRemaining(device -> changed(null, device.value));
    }
    counts.put(COUNTED, 1L);
  }

  /** The key of a fleet's counter {@code key} ({@code status:FAIL}, {@code failing:check_timesync}). */
  public static String inFleet(String fleet, String key) {
    return FLEET + fleet + "|" + key;
  }

  private static Map<String, Long> contributions(DeviceHealth health) {
    Map<String, Long> mine = new HashMap<>();
    mine.put(TOTAL, 1L);
    mine.put(STATUS + health.getStatus().name(), 1L);
    mine.put(inFleet(health.getFleet(), STATUS + health.getStatus().name()), 1L);
    for (HealthCheck check : health.getChecks()) {
      if (check.getStatus() == Status.FAIL || check.getStatus() == Status.WARN) {
        mine.put(FAILING + check.getName(), 1L);
        mine.put(inFleet(health.getFleet(), FAILING + check.getName()), 1L);
      }
    }
    return mine;
  }
}
