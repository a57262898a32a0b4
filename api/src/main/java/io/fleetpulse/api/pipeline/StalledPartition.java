package io.fleetpulse.api.pipeline;

import java.time.Duration;
import java.util.Optional;

/**
 * A partition whose read_committed readers have been stuck at the same offset, with records behind it,
 * for longer than any healthy transaction of fleetpulse stays open: a hanging transaction, or a dead
 * producer's transaction that the broker has not aborted.
 *
 * @param holder the open transaction at the stuck offset, when the partition leader reports one
 */
public record StalledPartition(PartitionOffsets offsets, Duration stalledFor, Optional<OpenTransaction> holder) {

  /** What an operator reads in /readyz and in the logs. */
  public String describe() {
    return offsets.partition() + ": read_committed readers stuck at offset " + offsets.lastStable()
        + " for " + stalledFor.toSeconds() + " s, " + offsets.pending() + " records behind it"
        + holder.map(transaction -> ", held by producer " + transaction.producerId() + " (epoch " + transaction.producerEpoch() + ")")
            .orElse("");
  }
}
