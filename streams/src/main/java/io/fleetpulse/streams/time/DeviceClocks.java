package io.fleetpulse.streams.time;

import io.fleetpulse.schemas.JournalEntry;
import java.time.Duration;
import java.time.Instant;
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
 */
public final class DeviceClocks {

  public static final String STORE = "device-clocks";

  /** Where an entry goes in time, and the clock step it revealed, if any. */
  public record Placement(Instant at, Optional<Duration> step) {}

  private final KeyValueStore<String, BootClock> store;
  private final Duration stepThreshold;

  public DeviceClocks(KeyValueStore<String, BootClock> store, Duration stepThreshold) {
    this.store = store;
    this.stepThreshold = stepThreshold;
  }

  public Placement place(JournalEntry entry) {
    Long monoUs = entry.getMonotonicUs();
    String bootId = entry.getBootId();
    if (monoUs == null || bootId == null) {
      return new Placement(EventTime.of(entry), Optional.empty());
    }
    long received = entry.getReceivedAt().toEpochMilli();
    Optional<Instant> device = EventTime.plausibleDeviceTime(entry);
    Long offsetUs = entry.getRealtimeUs() != null ? entry.getRealtimeUs() - monoUs : null;
    BootClock clock = store.get(entry.getDeviceUuid());
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
    if (!next.equals(clock)) {
      store.put(entry.getDeviceUuid(), next);
    }
    return new Placement(Instant.ofEpochMilli(next.placeMs(monoUs)), step);
  }
}
