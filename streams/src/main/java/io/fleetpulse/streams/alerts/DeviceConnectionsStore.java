package io.fleetpulse.streams.alerts;

import io.fleetpulse.schemas.DeviceStatus;
import io.fleetpulse.schemas.FleetSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** The SSH collector's latest connection state per device (key: uuid, value: DeviceStatus). */
public final class DeviceConnectionsStore {

  public static final String NAME = "device-connections";

  private DeviceConnectionsStore() {}

  public static StoreBuilder<KeyValueStore<String, DeviceStatus>> builder() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NAME), Serdes.String(), FleetSerdes.deviceStatus());
  }
}
