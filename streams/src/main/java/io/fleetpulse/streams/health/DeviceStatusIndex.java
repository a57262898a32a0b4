package io.fleetpulse.streams.health;

import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.Status;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The devices of each status, in uuid order: {@code devices?status=FAIL} reads the failing devices, not the
 * fleet. Kept by {@link HealthBook} whenever a device's status changes.
 *
 * <p>Key: {@code <STATUS>|<device uuid>}; value: the device's fleet.
 */
public final class DeviceStatusIndex {

  public static final String STORE = "device-status-index";

  private final KeyValueStore<String, String> index;

  DeviceStatusIndex(KeyValueStore<String, String> index) {
    this.index = index;
  }

  public static StoreBuilder<KeyValueStore<String, String>> builder() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String());
  }

  /** The key of {@code device} among the devices of {@code status}; devices of one status are one key range. */
  public static String key(Status status, String device) {
    return prefix(status) + device;
  }

  public static String prefix(Status status) {
    return status.name() + "|";
  }

  /** A device's health went from {@code before} (null: new device) to {@code after}. */
  void changed(DeviceHealth before, DeviceHealth after) {
    if (before != null && before.getStatus() == after.getStatus()) {
      return;
    }
    if (before != null) {
      index.delete(key(before.getStatus(), before.getDeviceUuid()));
    }
    index.put(key(after.getStatus(), after.getDeviceUuid()), after.getFleet());
  }

  /** Indexes what {@code current} holds when the index is empty and {@code current} is not (health that predates it): once per task, at start. */
  void rebuildIfMissing(KeyValueStore<String, DeviceHealth> current) {
    try (KeyValueIterator<String, String> any = index.all()) {
      if (any.hasNext()) {
        return;
      }
    }
    try (KeyValueIterator<String, DeviceHealth> all = current.all()) {
      all.forEachRemaining(device -> changed(null, device.value));
    }
  }
}
