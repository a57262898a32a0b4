package io.fleetpulse.streams.alerts;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.FleetSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The FIRING alerts of {@link AlertsStore} alone, newest first: what support looks at, and what the
 * wall-clock round re-judges, costs the alerts that fire, not every episode the fleet ever had.
 * Kept by {@link AlertLifecycle} with every transition.
 *
 * <p>Key: {@code <Long.MAX_VALUE - startedAt millis, 19 digits>|<AlertsStore key>}, so a range read
 * from the start gives the newest first.
 */
public final class FiringAlertsStore {

  public static final String NAME = "firing-alerts";

  private FiringAlertsStore() {}

  public static StoreBuilder<KeyValueStore<String, Alert>> builder() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NAME), Serdes.String(), FleetSerdes.alert());
  }

  static String key(Alert alert, String alertsStoreKey) {
    return String.format("%019d|%s", Long.MAX_VALUE - alert.getStartedAt().toEpochMilli(), alertsStoreKey);
  }
}
