package io.fleetpulse.streams.time;

import io.fleetpulse.schemas.JournalEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Robust event time per device (ARCHITECTURE.md "Time"), and clock steps seen in the journal itself.
 *
 * <p>Within one boot the monotonic clock never jumps, so an entry's time is its boot's anchor plus its
 * monotonic offset. The anchor is the device's own clock whenever that is plausible (so hours of
 * backfill keep their real spacing); a clock set back to 2017 is never trusted, and the receive time
 * bounds the anchor instead: nothing can have happened after it was received. A new boot starts a new
 * anchor and is not a jump. When the clock steps within a boot, whichever of the stepped clock and the
 * monotonic continuation is nearer the receive time wins: NTP correcting a wrong clock is followed, a
 * clock knocked days back is not. A step is a change of ≥ {@code stepThreshold} in realtime-minus-monotonic
 * between an entry and the newest one before it; older entries arriving late are placed but not
 * compared, so out-of-order delivery across units does not look like a jump.
 *
 * <p>Every entry moves its boot's clock on (its newest monotonic time, and an anchor re-taken from a
 * plausible device clock), but how entries are placed changes only with a new boot, a step or a change
 * of trust. So the clocks live in a task-local memo, read from the store once per device, and the store
 * is written only when placement changes ({@link BootClock#placesLike}), not for every entry. The memo
 * is sound because the task owns its store exclusively, and it starts empty with every processor
 * {@code init()} (after a restore or a task migration). What a restored clock lacks is at most the newest
 * monotonic time since the last write (a late entry may then be compared for a step, which cannot show
 * one: the store was written at every step) and under a millisecond of anchor.
 */
public final class DeviceClocks {

  public static final String STORE = "device-clocks";

  /**
   * Where an entry goes in time, and the clock step it revealed, if any. The step happened after the boot's newest
   * entry before this one, at monotonic time {@code stepAfterMonoUs}, and by this entry: with units on topics of their
   * own, the first entry to show a step may come from much later in the boot than the step itself.
   */
  public record Placement(Instant at, Optional<Duration> step, long stepAfterMonoUs) {}

  private final KeyValueStore<String, BootClock> store;
  private final Duration stepThreshold;
  private final Map<String, Known> memo = new HashMap<>();

  /** A device's clock as of its newest entry, and the copy last written to the store. */
  private static final class Known {
    BootClock now;
    BootClock stored;

    Known(BootClock stored) {
      this.now = stored;
      this.stored = stored;
    }
  }

  public DeviceClocks(KeyValueStore<String, BootClock> store, Duration stepThreshold) {
    this.store = store;
    this.stepThreshold = stepThreshold;
  }

  public Placement place(JournalEntry entry) {
    Long monoUs = entry.getMonotonicUs();
    String bootId = entry.getBootId();
    if (monoUs == null || bootId == null) {
      return new Placement(EventTime.of(entry), Optional.empty(), 0);
    }
    long received = entry.getReceivedAt().toEpochMilli();
    Optional<Instant> device = EventTime.plausibleDeviceTime(entry);
    Long offsetUs = entry.getRealtimeUs() != null ? entry.getRealtimeUs() - monoUs : null;
    Known known = memo.get(entry.getDeviceUuid());
    if (known == null) {
      known = new Known(store.get(entry.getDeviceUuid()));
      memo.put(entry.getDeviceUuid(), known);
    }
    BootClock clock = known.now;
    boolean sameBoot = clock != null && clock.bootId().equals(bootId);

    Optional<Duration> step = Optional.empty();
    boolean newest = !sameBoot || monoUs >= clock.lastMonoUs();
    if (sameBoot && newest && offsetUs != null && clock.lastOffsetUs() != null) {
      Duration change = Duration.ofNanos((offsetUs - clock.lastOffsetUs()) * 1000);
      if (change.abs().compareTo(stepThreshold) >= 0) {
        step = Optional.of(change);
      }
    }

    long anchorMono;
    long anchorAt;
    boolean trusted;
    if (device.isPresent() && step.isPresent() && sameBoot && clock.trusted()
        && Math.abs(clock.placeMs(monoUs) - received) < Math.abs(device.get().toEpochMilli() - received)) {
      // A step away from a clock that was plausible: keep following the monotonic clock.
      anchorMono = clock.anchorMonoUs();
      anchorAt = clock.anchorAtMs();
      trusted = true;
    } else if (device.isPresent()) {
      anchorMono = monoUs;
      anchorAt = device.get().toEpochMilli();
      trusted = true;
    } else if (sameBoot && (clock.trusted() || clock.placeMs(monoUs) <= received)) {
      anchorMono = clock.anchorMonoUs();
      anchorAt = clock.anchorAtMs();
      trusted = clock.trusted();
    } else {
      anchorMono = monoUs;
      anchorAt = received;
      trusted = false;
    }
    BootClock next = new BootClock(bootId, anchorMono, anchorAt, trusted,
        newest ? monoUs : clock.lastMonoUs(),
        newest && offsetUs != null ? offsetUs : sameBoot ? clock.lastOffsetUs() : null);
    if (known.stored == null || !next.placesLike(known.stored)) {
      store.put(entry.getDeviceUuid(), next);
      known.stored = next;
    }
    known.now = next;
    return new Placement(Instant.ofEpochMilli(next.placeMs(monoUs)), step, step.isPresent() ? clock.lastMonoUs() : monoUs);
  }
}
