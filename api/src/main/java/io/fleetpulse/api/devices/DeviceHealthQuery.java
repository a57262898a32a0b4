package io.fleetpulse.api.devices;

import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.DeviceStatus;
import io.fleetpulse.streams.alerts.DeviceConnectionsStore;
import io.fleetpulse.streams.health.DeviceHealthStores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.query.MultiVersionedKeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.state.VersionedRecordIterator;

/**
 * One device's health: now, from the key-value store, and as it was, from the versioned store.
 * Blocking (RocksDB): call from a worker thread. Throws {@code InvalidStateStoreException} while the
 * stores are not queryable.
 */
public final class DeviceHealthQuery {

  /** One version of a device's health and when it became current. */
  public record Version(Instant at, DeviceHealth health) {}

  private final KafkaStreams streams;

  public DeviceHealthQuery(KafkaStreams streams) {
    this.streams = streams;
  }

  public Optional<DeviceHealth> current(String uuid) {
    return current(uuid, false);
  }

  /** @param fromStandby read a local standby copy too (the owner is unreachable, {@code StandbyRead}) */
  public Optional<DeviceHealth> current(String uuid, boolean fromStandby) {
    StoreQueryParameters<ReadOnlyKeyValueStore<String, DeviceHealth>> query =
        StoreQueryParameters.fromNameAndType(DeviceHealthStores.CURRENT, QueryableStoreTypes.keyValueStore());
    return Optional.ofNullable(streams.store(fromStandby ? query.enableStaleStores() : query).get(uuid));
  }

  /** What the SSH collector last reported about reaching the device, if it tails it. */
  public Optional<DeviceStatus> collectorState(String uuid, boolean fromStandby) {
    StoreQueryParameters<ReadOnlyKeyValueStore<String, DeviceStatus>> query =
        StoreQueryParameters.fromNameAndType(DeviceConnectionsStore.NAME, QueryableStoreTypes.keyValueStore());
    return Optional.ofNullable(streams.store(fromStandby ? query.enableStaleStores() : query).get(uuid));
  }

  /** The versions valid at some point in [from, to], oldest first (IQv2 MultiVersionedKeyQuery). */
  public List<Version> history(String uuid, Instant from, Instant to) {
    MultiVersionedKeyQuery<String, DeviceHealth> query = MultiVersionedKeyQuery.<String, DeviceHealth>withKey(uuid)
        .fromTime(from).toTime(to).withAscendingTimestamps();
    StateQueryResult<VersionedRecordIterator<DeviceHealth>> result =
        streams.query(StateQueryRequest.inStore(DeviceHealthStores.HISTORY).withQuery(query));
    List<Version> versions = new ArrayList<>();
    for (QueryResult<VersionedRecordIterator<DeviceHealth>> partition : result.getPartitionResults().values()) {
      if (partition.isFailure()) {
        throw new org.apache.kafka.streams.errors.InvalidStateStoreException(
            "health history not queryable: " + partition.getFailureReason() + " " + partition.getFailureMessage());
      }
      try (VersionedRecordIterator<DeviceHealth> records = partition.getResult()) {
        while (records.hasNext()) {
          VersionedRecord<DeviceHealth> record = records.next();
          versions.add(new Version(Instant.ofEpochMilli(record.timestamp()), record.value()));
        }
      }
    }
    versions.sort(java.util.Comparator.comparing(Version::at));
    return versions;
  }
}
