package io.fleetpulse.streams.journal;

import io.fleetpulse.schemas.JournalEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** What {@link JournalKeeper} holds of one device, read back in the order the device wrote it. */
public final class StoredJournal {

  /** One kept line, the number of its boot (0 the first boot fleetpulse saw of the device) and where it sorts. */
  public record Line(long boot, JournalEntry entry, String key) {}

  private StoredJournal() {}

  /** Every kept line of {@code device}, oldest first: by boot, then monotonic time, then sequence number. */
  public static List<Line> lines(ReadOnlyKeyValueStore<String, JournalEntry> lines, String device) {
    List<Line> out = new ArrayList<>();
    try (KeyValueIterator<String, JournalEntry> it = lines.prefixScan(DeviceJournalStore.devicePrefix(device), new StringSerializer())) {
      it.forEachRemaining(kv -> out.add(new Line(DeviceJournalStore.bootOf(kv.key), kv.value, kv.key)));
    }
    return out;
  }

  /** The kept lines of {@code device} that sort after {@code key} (a line's {@link Line#key}): what came since. */
  public static List<Line> linesAfter(ReadOnlyKeyValueStore<String, JournalEntry> lines, String device, String key) {
    return linesAfter(lines, device, key, Integer.MAX_VALUE);
  }

  /** The first {@code limit} of the kept lines of {@code device} that sort after {@code key}. */
  public static List<Line> linesAfter(ReadOnlyKeyValueStore<String, JournalEntry> lines, String device, String key, int limit) {
    List<Line> out = new ArrayList<>();
    // "\0" makes the least key after this one; '~' sorts after every digit of a line's key.
    try (KeyValueIterator<String, JournalEntry> it = lines.range(key + "\0", DeviceJournalStore.devicePrefix(device) + "~")) {
      while (out.size() < limit && it.hasNext()) {
        KeyValue<String, JournalEntry> kv = it.next();
        out.add(new Line(DeviceJournalStore.bootOf(kv.key), kv.value, kv.key));
      }
    }
    return out;
  }

  /** The kept lines of one device from the line keyed {@code first} to the one keyed {@code last}, both included. */
  public static List<Line> linesBetween(ReadOnlyKeyValueStore<String, JournalEntry> lines, String first, String last) {
    List<Line> out = new ArrayList<>();
    try (KeyValueIterator<String, JournalEntry> it = lines.range(first, last)) {
      it.forEachRemaining(kv -> out.add(new Line(DeviceJournalStore.bootOf(kv.key), kv.value, kv.key)));
    }
    return out;
  }

  /** Whether {@code device} has a kept line that sorts before {@code key}. */
  public static boolean hasLineBefore(ReadOnlyKeyValueStore<String, JournalEntry> lines, String device, String key) {
    try (KeyValueIterator<String, JournalEntry> it = lines.range(DeviceJournalStore.devicePrefix(device), key)) {
      return it.hasNext() && !it.peekNextKey().equals(key);
    }
  }

  /** The device's boot ids by number, in the order fleetpulse first saw them. */
  public static Map<Long, String> boots(ReadOnlyKeyValueStore<String, Long> index, String device) {
    Map<Long, String> byNumber = new TreeMap<>();
    String prefix = DeviceJournalStore.bootIndexPrefix(device);
    try (KeyValueIterator<String, Long> it = index.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(kv -> byNumber.put(kv.value, kv.key.substring(prefix.length())));
    }
    return new LinkedHashMap<>(byNumber);
  }
}
