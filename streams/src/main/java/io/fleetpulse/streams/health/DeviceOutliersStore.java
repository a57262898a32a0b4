package io.fleetpulse.streams.health;

import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.RestartOutlier;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The fleet view's live restart-outlier verdicts, on the device's side: key {@code <uuid>|<check>},
 * value the {@link RestartOutlier} that makes the check WARN. A withdrawn verdict is deleted.
 */
public final class DeviceOutliersStore {

  public static final String NAME = "device-outliers";

  private DeviceOutliersStore() {}

  public static StoreBuilder<KeyValueStore<String, RestartOutlier>> builder() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NAME), Serdes.String(), FleetSerdes.restartOutlier());
  }

  public static String key(String device, String check) {
    return device + "|" + check;
  }

  /** The device's outlier warnings: check → message. */
  public static Map<String, String> warnings(KeyValueStore<String, RestartOutlier> store, String device) {
    Map<String, String> warnings = new HashMap<>();
    try (KeyValueIterator<String, RestartOutlier> it = store.prefixScan(device + "|", new StringSerializer())) {
      it.forEachRemaining(kv -> warnings.put(kv.value.getCheck(), kv.value.getMessage()));
    }
    return warnings;
  }
}
