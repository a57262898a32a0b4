package io.fleetpulse.streams.time;

import io.fleetpulse.schemas.JournalEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When an entry really happened. Device clocks are exactly what fails (the masterclass sets one to
 * 2017), so the device's realtime is trusted only when it is plausible next to the collector's
 * receive time; otherwise the receive time stands in. A backfill of hours of logs after an outage
 * keeps its device times, so old entries are not mistaken for a burst.
 */
public final class EventTime {

  /** How far back a backfill may reach and still be placed at the device's time. */
  static final Duration MAX_BACKFILL = Duration.ofDays(7);
  /** Clocks run a little ahead; more than this is a wrong clock. */
  static final Duration MAX_AHEAD = Duration.ofMinutes(5);

  private EventTime() {}

  /** The entry's time without knowledge of its boot: see {@link DeviceClocks} for the better one. */
  public static Instant of(JournalEntry entry) {
    return plausibleDeviceTime(entry).orElse(entry.getReceivedAt());
  }

  /** The device's realtime clock reading, if it is plausible next to the receive time. */
  static Optional<Instant> plausibleDeviceTime(JournalEntry entry) {
    Instant received = entry.getReceivedAt();
    Long realtimeUs = entry.getRealtimeUs();
    if (realtimeUs == null || realtimeUs < 0) {
      return Optional.empty();
    }
    Instant device = Instant.ofEpochSecond(realtimeUs / 1_000_000, (realtimeUs % 1_000_000) * 1_000);
    return isPlausible(device, received) ? Optional.of(device) : Optional.empty();
  }

  /** A device-reported time if plausible next to the receive time, else the receive time. */
  public static Instant plausible(Instant device, Instant received) {
    return isPlausible(device, received) ? device : received;
  }

  private static boolean isPlausible(Instant device, Instant received) {
    return !device.isBefore(received.minus(MAX_BACKFILL)) && !device.isAfter(received.plus(MAX_AHEAD));
  }
}
