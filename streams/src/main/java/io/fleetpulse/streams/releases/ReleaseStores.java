package io.fleetpulse.streams.releases;

import io.fleetpulse.schemas.AlertKind;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Health by release's stores, keyed by fleet first so one fleet is one key range.
 * {@link #DEVICES}: {@code <fleet>|<uuid>} → the release it runs and when last seen there.
 * {@link #TALLIES}: {@code <fleet>|<release>|<uuid>} → the device's {@link ReleaseTally} on that release.
 * {@link #REPORTS}: {@code <fleet>|<release>} → the release's {@link ReleaseRow} as last judged (queryable:
 * {@code prefixScan(fleet + "|")}). RELEASE_REGRESSION alerts live with the fleet incidents, under
 * {@code <fleet>|RELEASE_REGRESSION|<release>} ({@link #alertKey}), so every alert listing and count finds them.
 */
public final class ReleaseStores {

  public static final String DEVICES = "fleet-release-devices";
  public static final String TALLIES = "fleet-release-tallies";
  public static final String REPORTS = "fleet-releases";

  private ReleaseStores() {}

  static String key(String... parts) {
    return String.join("|", parts);
  }

  /** A tally key's fleet, release and device: a release may contain '|', fleet names and device uuids cannot. */
  static String[] split(String key) {
    int first = key.indexOf('|');
    int last = key.lastIndexOf('|');
    return new String[] {key.substring(0, first), key.substring(first + 1, last), key.substring(last + 1)};
  }

  static String alertKey(String fleet, String release) {
    return key(fleet, AlertKind.RELEASE_REGRESSION.name(), release);
  }

  public static StoreBuilder<KeyValueStore<String, DeviceOnRelease>> devices() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEVICES), Serdes.String(), JsonSerde.of(DeviceOnRelease.class))
        .withCachingEnabled();
  }

  public static StoreBuilder<KeyValueStore<String, ReleaseTally>> tallies() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TALLIES), Serdes.String(), JsonSerde.of(ReleaseTally.class))
        .withCachingEnabled();
  }

  public static StoreBuilder<KeyValueStore<String, ReleaseRow>> reports() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REPORTS), Serdes.String(), JsonSerde.of(ReleaseRow.class));
  }
}
