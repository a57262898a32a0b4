package io.fleetpulse.streams.events;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.FleetSerdes;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Every device's recent events, by device and event time, for {@code GET /devices/{uuid}/events}.
 *
 * <p>A window store with duplicates retained is a time-indexed log per key: {@code fetch(uuid, from, to)}
 * returns a device's events in time order, and segments older than the retention are dropped whole.
 */
public final class DeviceEventsStore {

  public static final String NAME = "device-events";

  private DeviceEventsStore() {}

  public static StoreBuilder<WindowStore<String, DeviceEvent>> builder(Duration retention) {
    // Window size is irrelevant for a log of points in time; the smallest keeps keys exact.
    return Stores.windowStoreBuilder(
            Stores.persistentWindowStore(NAME, retention, Duration.ofMillis(1), true),
            Serdes.String(), FleetSerdes.deviceEvent())
        .withCachingDisabled();
  }
}
