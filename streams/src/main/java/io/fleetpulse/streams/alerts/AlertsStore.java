package io.fleetpulse.streams.alerts;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.FleetSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The latest episode of every (device, kind, subject): FIRING while live, then RESOLVED until a new
 * episode replaces it. Earlier episodes are on {@code fleet.alerts}.
 *
 * <p>Key: {@code <device uuid>|<KIND>|<subject or empty>}, so one device's alerts are one key range:
 * {@code prefixScan(uuid + "|", new StringSerializer())}; by state, filter on {@code Alert.state}.
 */
public final class AlertsStore {

  public static final String NAME = "device-alerts";

  private AlertsStore() {}

  public static StoreBuilder<KeyValueStore<String, Alert>> builder() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NAME), Serdes.String(), FleetSerdes.alert());
  }

  public static String key(String device, String findingKey) {
    return devicePrefix(device) + findingKey.replace('/', '|');
  }

  /** The key prefix of all of one device's alerts. */
  public static String devicePrefix(String device) {
    return device + "|";
  }
}
