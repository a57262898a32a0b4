package io.fleetpulse.streams.fleet;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One device's unclean restarts for one check, counted per time bucket (start, epoch ms → restarts) so
 * that a crash-looping unit restarting every few seconds costs a few dozen numbers, not one entry per
 * restart. The window slides bucket by bucket: a count "within 24 h" is exact to one bucket. Also keeps
 * the unit that restarted last, to name it in the check's message.
 */
record RestartTally(SortedMap<Long, Integer> buckets, String lastUnit) {

  private static final String SEPARATOR = "\u001f";

  RestartTally {
    buckets = new TreeMap<>(buckets);
  }

  static RestartTally none() {
    return new RestartTally(new TreeMap<>(), "");
  }

  /** With one more restart of {@code unit} at {@code at}. */
  RestartTally plus(Instant at, String unit, Duration bucket) {
    long start = Math.floorDiv(at.toEpochMilli(), bucket.toMillis()) * bucket.toMillis();
    TreeMap<Long, Integer> updated = new TreeMap<>(buckets);
    updated.merge(start, 1, Integer::sum);
    boolean latest = updated.lastKey() == start;
    return new RestartTally(updated, latest ? unit : lastUnit);
  }

  /** Only the buckets that start at or after {@code from}. */
  RestartTally since(Instant from) {
    return new RestartTally(buckets.tailMap(from.toEpochMilli()), lastUnit);
  }

  int restarts() {
    return buckets.values().stream().mapToInt(Integer::intValue).sum();
  }

  boolean isEmpty() {
    return buckets.isEmpty();
  }

  static Serde<RestartTally> serde() {
    return Serdes.serdeFrom(
        (topic, tally) -> tally == null ? null : encode(tally).getBytes(StandardCharsets.UTF_8),
        (topic, bytes) -> bytes == null ? null : decode(new String(bytes, StandardCharsets.UTF_8)));
  }

  private static String encode(RestartTally tally) {
    StringBuilder text = new StringBuilder(tally.lastUnit);
    for (Map.Entry<Long, Integer> bucket : tally.buckets.entrySet()) {
      text.append(SEPARATOR).append(bucket.getKey()).append(':').append(bucket.getValue());
    }
    return text.toString();
  }

  private static RestartTally decode(String text) {
    String[] fields = text.split(SEPARATOR, -1);
    TreeMap<Long, Integer> buckets = new TreeMap<>();
    for (int i = 1; i < fields.length; i++) {
      int colon = fields[i].indexOf(':');
      buckets.put(Long.parseLong(fields[i].substring(0, colon)), Integer.parseInt(fields[i].substring(colon + 1)));
    }
    return new RestartTally(buckets, fields[0]);
  }
}
