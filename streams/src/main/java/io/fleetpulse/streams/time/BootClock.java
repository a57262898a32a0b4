package io.fleetpulse.streams.time;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What fleetpulse knows about one device's clock in its current boot.
 *
 * <p>The anchor ties the boot's monotonic clock to real time: an entry at monotonic {@code m} happened
 * at {@code anchorAtMs + (m - anchorMonoUs) / 1000}. {@code trusted} says the anchor came from a
 * plausible device clock rather than from the receive time. {@code lastMonoUs}/{@code lastOffsetUs}
 * are the newest entry's monotonic time and its realtime-minus-monotonic offset: within one boot that
 * offset only changes when the clock is stepped.
 */
public record BootClock(String bootId, long anchorMonoUs, long anchorAtMs, boolean trusted, long lastMonoUs, Long lastOffsetUs) {

  /** Placement tolerance: a device clock read in µs anchors in whole ms, so anchors of one line differ by < 1 ms. */
  private static final long SAME_LINE_US = 1_000;

  long placeMs(long monoUs) {
    return anchorAtMs + Math.floorDiv(monoUs - anchorMonoUs, 1000);
  }

  /**
   * Whether this clock places entries as {@code other} does, to within a millisecond, and knows the same
   * realtime-minus-monotonic offset (to within a millisecond): same boot and trust, and an anchor on the
   * same line. The newest monotonic time is not compared.
   */
  boolean placesLike(BootClock other) {
    return bootId.equals(other.bootId) && trusted == other.trusted
        && Math.abs(line() - other.line()) < SAME_LINE_US
        && (lastOffsetUs == null ? other.lastOffsetUs == null
            : other.lastOffsetUs != null && Math.abs(lastOffsetUs - other.lastOffsetUs) < SAME_LINE_US);
  }

  /** The realtime (µs) this boot's monotonic zero maps to. */
  private long line() {
    return anchorAtMs * 1000 - anchorMonoUs;
  }

  /** A compact binary layout. */
  public static Serde<BootClock> serde() {
    Serializer<BootClock> serializer = (topic, clock) -> {
      if (clock == null) {
        return null;
      }
      byte[] boot = clock.bootId.getBytes(StandardCharsets.UTF_8);
      ByteBuffer buffer = ByteBuffer.allocate(4 + boot.length + 8 * 3 + 1 + 1 + 8);
      buffer.putInt(boot.length).put(boot).putLong(clock.anchorMonoUs).putLong(clock.anchorAtMs)
          .put((byte) (clock.trusted ? 1 : 0)).putLong(clock.lastMonoUs);
      buffer.put((byte) (clock.lastOffsetUs != null ? 1 : 0)).putLong(clock.lastOffsetUs != null ? clock.lastOffsetUs : 0L);
      return buffer.array();
    };
    Deserializer<BootClock> deserializer = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      byte[] boot = new byte[buffer.getInt()];
      buffer.get(boot);
      long anchorMono = buffer.getLong();
      long anchorAt = buffer.getLong();
      boolean trusted = buffer.get() == 1;
      long lastMono = buffer.getLong();
      boolean hasOffset = buffer.get() == 1;
      long offset = buffer.getLong();
      return new BootClock(new String(boot, StandardCharsets.UTF_8), anchorMono, anchorAt, trusted, lastMono, hasOffset ? offset : null);
    };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
