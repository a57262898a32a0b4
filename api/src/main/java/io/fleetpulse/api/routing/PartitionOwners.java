package io.fleetpulse.api.routing;

import io.fleetpulse.api.fleet.PartitionScope;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Who holds each partition of a store: its active instance and its standby copies, as Kafka Streams assigned them
 * ({@code application.server}). Asked per partition rather than per key, so a fleet-wide answer can be split by
 * partition: each instance reads what it owns, and the partitions of an instance that does not answer can be read
 * from a standby copy instead.
 */
public final class PartitionOwners {

  private final KafkaStreams streams;
  private final HostInfo self;

  /** @param self this instance's {@code application.server}, or null for a single instance (every partition is local) */
  public PartitionOwners(KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
  }

  /** The partitions this instance owns, store by store. */
  public PartitionScope ownedHere() {
    return self == null ? PartitionScope.EVERY_LOCAL : store -> Optional.of(partitions(store, owner -> owner.activeHost().equals(self)));
  }

  /** The partitions {@code owner} owns of which this instance holds a standby copy, store by store. */
  public PartitionScope standbyHereFor(HostInfo owner) {
    return store -> Optional.of(partitions(store, holders -> holders.activeHost().equals(owner) && holders.standbyHosts().contains(self)));
  }

  /** The instances holding a standby copy of every partition of {@code stores} that {@code owner} owns, this one first. */
  public List<HostInfo> standbysCovering(HostInfo owner, List<String> stores) {
    Set<HostInfo> covering = null;
    for (String store : stores) {
      for (KeyQueryMetadata holders : all(store)) {
        if (holders.activeHost().equals(owner)) {
          Set<HostInfo> standbys = new HashSet<>(holders.standbyHosts());
          if (covering == null) {
            covering = standbys;
          } else {
            covering.retainAll(standbys);
          }
        }
      }
    }
    List<HostInfo> ordered = new ArrayList<>();
    if (covering != null) {
      if (covering.remove(self)) {
        ordered.add(self);
      }
      ordered.addAll(covering);
    }
    return ordered;
  }

  private Set<Integer> partitions(String store, java.util.function.Predicate<KeyQueryMetadata> wanted) {
    Set<Integer> partitions = new HashSet<>();
    for (KeyQueryMetadata holders : all(store)) {
      if (wanted.test(holders)) {
        partitions.add(holders.partition());
      }
    }
    return partitions;
  }

  /** Every partition's holders; throws while ownership moves (a rebalance), as a store read would. */
  private List<KeyQueryMetadata> all(String store) {
    AtomicInteger count = new AtomicInteger(1);
    List<KeyQueryMetadata> holders = new ArrayList<>();
    for (int partition = 0; partition < count.get(); partition++) {
      int asked = partition;
      // The partitioner is told how many partitions the store's topics have: the first call learns it.
      KeyQueryMetadata metadata = streams.queryMetadataForKey(store, "", (topic, key, value, partitions) -> {
        count.set(partitions);
        return Optional.of(Set.of(asked));
      });
      if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
        throw new InvalidStateStoreException("ownership of " + store + " is moving between instances (rebalancing)");
      }
      holders.add(metadata);
    }
    return holders;
  }
}
