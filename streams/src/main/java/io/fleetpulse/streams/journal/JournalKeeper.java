package io.fleetpulse.streams.journal;

import io.fleetpulse.schemas.JournalEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each device's recent journal lines readable ({@link DeviceJournalStore}): every line that passed the
 * resend filter once, as the journal source reads it (without the field maps), within {@link JournalRetention}.
 * The oldest lines go first, by the device's count and by the oldest line's receive time, both kept in the index. What the index says
 * of a device is also kept in memory once read (cleared whenever the task starts, so it never leads the store):
 * a line then costs one put to the lines and one to the (cached) index, and past the retention a delete.
 */
public final class JournalKeeper implements Processor<String, JournalEntry, Void, Void> {

  /** Most lines a single line's arrival deletes for age: a device back after a long silence is trimmed over its next lines. */
  private static final int MAX_AGED_OUT_PER_LINE = 16;

  private final JournalRetention retention;
  private KeyValueStore<String, JournalEntry> lines;
  private KeyValueStore<String, Long> index;
  /** What the index holds of each device seen since the task started. */
  private final Map<String, Kept> kept = new HashMap<>();

  /** A device's line count, oldest line's receive time, and its current boot (its id and number). */
  private static final class Kept {
    long count;
    long oldest;
    String bootId;
    long boot;
  }

  public JournalKeeper(JournalRetention retention) {
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.lines = context.getStateStore(DeviceJournalStore.LINES);
    this.index = context.getStateStore(DeviceJournalStore.INDEX);
    kept.clear();
  }

  @Override
  public void process(Record<String, JournalEntry> record) {
    JournalEntry entry = record.value();
    if (entry == null || record.key() == null) {
      return;
    }
    String device = record.key();
    long received = entry.getReceivedAt().toEpochMilli();
    Kept state = kept.computeIfAbsent(device, this::read);
    long boot = bootNumber(device, state, entry.getBootId() == null ? "" : entry.getBootId());
    // Without a sequence number (journalctl JSON lines may lack one), the device's clock orders and tells lines apart.
    long seqnum = entry.getSeqnum() != null ? entry.getSeqnum() : entry.getRealtimeUs() != null ? entry.getRealtimeUs() : received * 1000;
    String key = DeviceJournalStore.key(device, boot, entry.getMonotonicUs() == null ? 0 : Math.max(0, entry.getMonotonicUs()),
        Math.max(0, seqnum));
    // A plain put, not a read first: the same line again (an entry without a sequence number, re-sent) overwrites
    // itself and is counted twice, which only trims the device's oldest line a little early.
    // As the journal source read it: without the field maps, which no reader shows (JournalSourceDeserializer).
    lines.put(key, entry);
    long oldestBefore = state.oldest;
    state.count++;
    state.oldest = state.count == 1 ? received : Math.min(state.oldest, received);
    long agedBefore = received - retention.age().toMillis();
    int agedOut = 0;
    while (state.count > retention.lines() || (state.oldest < agedBefore && agedOut < MAX_AGED_OUT_PER_LINE && state.count > 1)) {
      List<KeyValue<String, JournalEntry>> oldest = oldestTwo(device);
      if (oldest.isEmpty()) {
        break;
      }
      KeyValue<String, JournalEntry> first = oldest.get(0);
      lines.delete(first.key);
      state.count--;
      if (first.value.getReceivedAt().toEpochMilli() < agedBefore) {
        agedOut++;
      }
      state.oldest = oldest.size() < 2 ? received : oldest.get(1).value.getReceivedAt().toEpochMilli();
    }
    index.put(DeviceJournalStore.linesKey(device), state.count);
    if (state.oldest != oldestBefore) {
      index.put(DeviceJournalStore.oldestKey(device), state.oldest);
    }
  }

  /** What the index holds of a device (nothing yet: no lines). */
  private Kept read(String device) {
    Kept state = new Kept();
    Long count = index.get(DeviceJournalStore.linesKey(device));
    Long oldest = index.get(DeviceJournalStore.oldestKey(device));
    state.count = count == null ? 0 : count;
    state.oldest = oldest == null ? Long.MAX_VALUE : oldest;
    return state;
  }

  /** The device's number for {@code bootId}: the next one when it is new. */
  private long bootNumber(String device, Kept state, String bootId) {
    if (bootId.equals(state.bootId)) {
      return state.boot;
    }
    String key = DeviceJournalStore.bootKey(device, bootId);
    Long known = index.get(key);
    long number;
    if (known != null) {
      number = known;
    } else {
      Long boots = index.get(DeviceJournalStore.bootsKey(device));
      number = boots == null ? 0 : boots;
      index.put(key, number);
      index.put(DeviceJournalStore.bootsKey(device), number + 1);
    }
    state.bootId = bootId;
    state.boot = number;
    return number;
  }

  /** The device's oldest line and the one after it, in one scan: the line to delete and the oldest left. */
  private List<KeyValue<String, JournalEntry>> oldestTwo(String device) {
    List<KeyValue<String, JournalEntry>> oldest = new ArrayList<>(2);
    try (KeyValueIterator<String, JournalEntry> it = lines.prefixScan(DeviceJournalStore.devicePrefix(device), new StringSerializer())) {
      while (it.hasNext() && oldest.size() < 2) {
        oldest.add(it.next());
      }
    }
    return oldest;
  }
}
