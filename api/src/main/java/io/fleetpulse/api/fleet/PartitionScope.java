package io.fleetpulse.api.fleet;

import java.util.Optional;
import java.util.Set;

/**
 * Which partitions of a store one part of a fleet-wide answer reads: this instance's own (active) ones, or, while
 * another instance does not answer, the standby copies this one holds of that instance's partitions. Each partition
 * is read on its own: a store's partitions are sorted each in itself, not together.
 */
@FunctionalInterface
public interface PartitionScope {

  /** Every partition this instance holds: a single instance, which owns them all. */
  PartitionScope EVERY_LOCAL = store -> Optional.empty();

  /** The partitions of {@code store} to read, or empty for every local one. */
  Optional<Set<Integer>> of(String store);
}
