package io.fleetpulse.streams.health;

import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.FleetSerdes;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedKeyValueStore;

/**
 * Device health, current and past. Both are keyed by device uuid with a {@code DeviceHealth} value.
 * {@link #CURRENT}: a key-value store ({@code QueryableStoreTypes.keyValueStore()} or IQv2 {@code KeyQuery}).
 * {@link #HISTORY}: a versioned store, one version per change of status or checks, kept for the history
 * retention; query with IQv2 {@code MultiVersionedKeyQuery.withKey(uuid).fromTime(from).toTime(to)}.
 */
public final class DeviceHealthStores {

  public static final String CURRENT = "device-health";
  public static final String HISTORY = "device-health-history";

  private DeviceHealthStores() {}

  public static StoreBuilder<KeyValueStore<String, DeviceHealth>> current() {
    // Read for every journal entry (has this check data yet?): cached.
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CURRENT), Serdes.String(), FleetSerdes.deviceHealth())
        .withCachingEnabled();
  }

  public static StoreBuilder<VersionedKeyValueStore<String, DeviceHealth>> history(Duration retention) {
    return Stores.versionedKeyValueStoreBuilder(Stores.persistentVersionedKeyValueStore(HISTORY, retention),
        Serdes.String(), FleetSerdes.deviceHealth());
  }
}
