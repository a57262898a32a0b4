package io.fleetpulse.streams.fleet;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.RestartOutlier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The fleet view's stores, all keyed by fleet first so one fleet is one key range.
 * {@link #INCIDENTS}: {@code <fleet>|<KIND>} → the latest FLEET_INCIDENT alert of that kind (queryable:
 * {@code prefixScan(fleet + "|")}). {@link #DEVICES}: {@code <fleet>|<uuid>} → last seen (epoch ms).
 * {@link #EPISODES}: {@code <fleet>|<KIND>|<uuid>} → {@code <resolvedAt ms or empty>|<cause>}.
 * {@link #RESTARTS}: {@code <fleet>|<check>|<uuid>} → the device's unclean restarts for that check
 * ({@link RestartTally}). {@link #OUTLIERS}: {@code <fleet>|<check>|<uuid>} → the device's live
 * {@code RestartOutlier} verdict, only while it is an outlier (queryable: {@code prefixScan(fleet + "|")}).
 */
public final class FleetStores {

  public static final String INCIDENTS = "fleet-incidents";
  public static final String DEVICES = "fleet-devices";
  public static final String EPISODES = "fleet-episodes";
  public static final String RESTARTS = "fleet-restarts";
  public static final String OUTLIERS = "fleet-outliers";

  private FleetStores() {}

  static String key(String... parts) {
    return String.join("|", parts);
  }

  public static StoreBuilder<KeyValueStore<String, Alert>> incidents() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INCIDENTS), Serdes.String(), FleetSerdes.alert());
  }

  static StoreBuilder<KeyValueStore<String, Long>> devices() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEVICES), Serdes.String(), Serdes.Long());
  }

  static StoreBuilder<KeyValueStore<String, String>> episodes() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EPISODES), Serdes.String(), Serdes.String());
  }

  static StoreBuilder<KeyValueStore<String, RestartTally>> restarts() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RESTARTS), Serdes.String(), RestartTally.serde());
  }

  static StoreBuilder<KeyValueStore<String, RestartOutlier>> outliers() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OUTLIERS), Serdes.String(), FleetSerdes.restartOutlier());
  }
}
