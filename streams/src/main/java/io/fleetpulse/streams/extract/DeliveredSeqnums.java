package io.fleetpulse.streams.extract;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The journal sequence numbers of one device, unit and sequence-number id that were already processed, as
 * sorted disjoint ranges: a live journal arrives as one growing range, a backfill adds another, so the set
 * stays a few numbers however many entries it covers. Past {@value #MAX_RANGES} ranges the oldest is
 * forgotten (a duplicate that old passes again). Immutable.
 */
final class DeliveredSeqnums {

  static final int MAX_RANGES = 32;
  static final DeliveredSeqnums NONE = new DeliveredSeqnums(new long[0]);

  /** lo0, hi0, lo1, hi1, …: inclusive, sorted, disjoint and not adjacent. */
  private final long[] ranges;

  private DeliveredSeqnums(long[] ranges) {
    this.ranges = ranges;
  }

  boolean contains(long seqnum) {
    int range = rangeAtOrBefore(seqnum);
    return range >= 0 && seqnum <= ranges[2 * range + 1];
  }

  /** This set with {@code seqnum} added. */
  DeliveredSeqnums with(long seqnum) {
    if (contains(seqnum)) {
      return this;
    }
    int before = rangeAtOrBefore(seqnum);
    int after = before + 1;
    boolean joinsBefore = before >= 0 && ranges[2 * before + 1] == seqnum - 1;
    boolean joinsAfter = after < count() && ranges[2 * after] == seqnum + 1;
    long[] next;
    if (joinsBefore && joinsAfter) {
      next = new long[ranges.length - 2];
      System.arraycopy(ranges, 0, next, 0, 2 * before + 1);
      System.arraycopy(ranges, 2 * after + 1, next, 2 * before + 1, ranges.length - 2 * after - 1);
    } else if (joinsBefore) {
      next = ranges.clone();
      next[2 * before + 1] = seqnum;
    } else if (joinsAfter) {
      next = ranges.clone();
      next[2 * after] = seqnum;
    } else {
      next = new long[ranges.length + 2];
      System.arraycopy(ranges, 0, next, 0, 2 * after);
      next[2 * after] = seqnum;
      next[2 * after + 1] = seqnum;
      System.arraycopy(ranges, 2 * after, next, 2 * after + 2, ranges.length - 2 * after);
      if (next.length / 2 > MAX_RANGES) {
        next = Arrays.copyOfRange(next, 2, next.length);
      }
    }
    return new DeliveredSeqnums(next);
  }

  int count() {
    return ranges.length / 2;
  }

  /** The index of the last range starting at or before {@code seqnum}, or -1. */
  private int rangeAtOrBefore(long seqnum) {
    int low = 0;
    int high = count() - 1;
    int found = -1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      if (ranges[2 * middle] <= seqnum) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  static Serde<DeliveredSeqnums> serde() {
    return Serdes.serdeFrom((topic, set) -> {
      ByteBuffer bytes = ByteBuffer.allocate(8 * set.ranges.length);
      for (long bound : set.ranges) {
        bytes.putLong(bound);
      }
      return bytes.array();
    }, (topic, data) -> {
      if (data == null) {
        return null;
      }
      ByteBuffer bytes = ByteBuffer.wrap(data);
      long[] ranges = new long[data.length / 8];
      for (int i = 0; i < ranges.length; i++) {
        ranges[i] = bytes.getLong();
      }
      return new DeliveredSeqnums(ranges);
    });
  }
}
