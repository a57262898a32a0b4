package io.fleetpulse.streams.journal;

import io.fleetpulse.schemas.JournalEntry;
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
 * resend filter once, without the fields no reader shows, within {@link JournalRetention}. The oldest lines go
 * first, by the device's count and by the oldest line's receive time, both kept in the index, so a line costs
 * a put and, past the retention, a delete.
 */
public final class JournalKeeper implements Processor<String, JournalEntry, Void, Void> {

  /** Most lines a single line's arrival deletes for age: a device back after a long silence is trimmed over its next lines. */
  private static final int MAX_AGED_OUT_PER_LINE = 16;

  private final JournalRetention retention;
  private KeyValueStore<String, JournalEntry> lines;
  private KeyValueStore<String, Long> index;

  public JournalKeeper(JournalRetention retention) {
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.lines = context.getStateStore(DeviceJournalStore.LINES);
    this.index = context.getStateStore(DeviceJournalStore.INDEX);
  }

  @Override
  public void process(Record<String, JournalEntry> record) {
    JournalEntry entry = record.value();
    if (entry == null || record.key() == null) {
      return;
    }
    String device = record.key();
    long boot = bootNumber(device, entry.getBootId() == null ? "" : entry.getBootId());
    // Without a sequence number (journalctl JSON lines may lack one), the device's clock orders and tells lines apart.
    long seqnum = entry.getSeqnum() != null ? entry.getSeqnum()
        : entry.getRealtimeUs() != null ? entry.getRealtimeUs() : entry.getReceivedAt().toEpochMilli() * 1000;
    String key = DeviceJournalStore.key(device, boot, entry.getMonotonicUs() == null ? 0 : Math.max(0, entry.getMonotonicUs()),
        Math.max(0, seqnum));
    if (lines.putIfAbsent(key, shown(entry)) != null) {
      return; // the same line again (a re-sent push that the filter let through, an entry without a sequence number)
    }
    long count = valueOr(DeviceJournalStore.linesKey(device), 0) + 1;
    long oldest = valueOr(DeviceJournalStore.oldestKey(device), entry.getReceivedAt().toEpochMilli());
    oldest = Math.min(oldest, entry.getReceivedAt().toEpochMilli());
    long agedBefore = entry.getReceivedAt().minus(retention.age()).toEpochMilli();
    int agedOut = 0;
    while (count > retention.lines() || (oldest < agedBefore && agedOut < MAX_AGED_OUT_PER_LINE && count > 1)) {
      KeyValue<String, JournalEntry> first = first(device);
      if (first == null) {
        break;
      }
      lines.delete(first.key);
      count--;
      if (first.value.getReceivedAt().toEpochMilli() < agedBefore) {
        agedOut++;
      }
      KeyValue<String, JournalEntry> next = first(device);
      oldest = next == null ? entry.getReceivedAt().toEpochMilli() : next.value.getReceivedAt().toEpochMilli();
    }
    index.put(DeviceJournalStore.linesKey(device), count);
    index.put(DeviceJournalStore.oldestKey(device), oldest);
  }

  /**
   * The line as readers see it: of the journal fields fleetpulse keeps apart from the shown ones, only the command
   * name, which journalctl shows for a line without a syslog identifier.
   */
  private static JournalEntry shown(JournalEntry entry) {
    String command = entry.getSyslogIdentifier() == null ? entry.getFields().get("_COMM") : null;
    return JournalEntry.newBuilder(entry).setFields(command == null ? Map.of() : Map.of("_COMM", command)).setBinaryFields(Map.of())
        .build();
  }

  /** The device's number for {@code bootId}: the next one when it is new. */
  private long bootNumber(String device, String bootId) {
    String key = DeviceJournalStore.bootKey(device, bootId);
    Long known = index.get(key);
    if (known != null) {
      return known;
    }
    long number = valueOr(DeviceJournalStore.bootsKey(device), 0);
    index.put(key, number);
    index.put(DeviceJournalStore.bootsKey(device), number + 1);
    return number;
  }

  private long valueOr(String key, long otherwise) {
    Long value = index.get(key);
    return value == null ? otherwise : value;
  }

  private KeyValue<String, JournalEntry> first(String device) {
    try (KeyValueIterator<String, JournalEntry> it = lines.prefixScan(DeviceJournalStore.devicePrefix(device), new StringSerializer())) {
      return it.hasNext() ? it.next() : null;
    }
  }
}
