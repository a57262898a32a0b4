package io.fleetpulse.streams.events;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.streams.rules.RuleEvents;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * How many events of each kind each fleet's devices had, per hour of their event time: what the fleet page draws
 * as the fleet's events over time, read as a few counters per hour instead of every device's events. Kept by
 * {@link EventCounter} as events pass; {@code DISK_SAMPLE}s, a clock rather than news, are not counted.
 *
 * <p>Window store, one-hour windows kept {@link #RETENTION}; key {@code <fleet>|<KIND>}, value the count, a user rule's
 * events under the rule's own kind ({@code harbor|MODEM_LOST}). Cached, so a busy hour costs a store write per commit,
 * not per event.
 */
public final class FleetEventCounts {

  public static final String NAME = "fleet-event-counts";
  public static final Duration HOUR = Duration.ofHours(1);
  public static final Duration RETENTION = Duration.ofHours(48);

  private final WindowStore<String, Long> counts;

  FleetEventCounts(WindowStore<String, Long> counts) {
    this.counts = counts;
  }

  public static StoreBuilder<WindowStore<String, Long>> builder() {
    return Stores.windowStoreBuilder(Stores.persistentWindowStore(NAME, RETENTION, HOUR, false), Serdes.String(), Serdes.Long())
        .withCachingEnabled();
  }

  /** The key of a fleet's counter of {@code kind}. */
  public static String key(String fleet, String kind) {
    return fleet + "|" + kind;
  }

  void count(DeviceEvent event) {
    if (event.getKind() == EventKind.DISK_SAMPLE) {
      return;
    }
    long hour = event.getAt().toEpochMilli() - Math.floorMod(event.getAt().toEpochMilli(), HOUR.toMillis());
    String key = key(event.getFleet(), RuleEvents.kindOf(event));
    Long sofar = counts.fetch(key, hour);
    counts.put(key, (sofar == null ? 0 : sofar) + 1, hour);
  }
}
