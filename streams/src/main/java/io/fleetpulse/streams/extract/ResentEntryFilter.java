package io.fleetpulse.streams.extract;

import io.fleetpulse.schemas.JournalEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Lets each journal entry through once, by its sequence number: the collectors dedup what they can see, but a
 * device's retry that reaches another collector while its first attempt is still being committed is written
 * twice, and this drops the second copy before it becomes events and alerts. Kept per device, journal topic and
 * sequence-number id ({@link DeliveredSeqnums}), in a store that commits with the topology (exactly-once).
 * Entries without a sequence number always pass.
 */
public final class ResentEntryFilter implements Processor<String, JournalEntry, String, JournalEntry> {

  public static final String STORE = "journal-delivered-seqnums";

  private final Counter dropped;
  private ProcessorContext<String, JournalEntry> context;
  private KeyValueStore<String, DeliveredSeqnums> delivered;

  public ResentEntryFilter(MeterRegistry metrics) {
    this.dropped = Counter.builder("fleetpulse.streams.journal.resends.dropped")
        .description("Journal entries already processed once (same device, unit topic and sequence number), dropped by the topology")
        .register(metrics);
  }

  /** The store, cached: read and written for every entry, so the cache keeps it in memory between commits. */
  public static StoreBuilder<KeyValueStore<String, DeliveredSeqnums>> store() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), DeliveredSeqnums.serde())
        .withCachingEnabled();
  }

  @Override
  public void init(ProcessorContext<String, JournalEntry> context) {
    this.context = context;
    this.delivered = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, JournalEntry> record) {
    JournalEntry entry = record.value();
    if (entry == null || entry.getSeqnumId() == null || entry.getSeqnum() == null) {
      context.forward(record);
      return;
    }
    String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
    String key = entry.getDeviceUuid() + "|" + topic + "|" + entry.getSeqnumId();
    DeliveredSeqnums seen = delivered.get(key);
    if (seen == null) {
      seen = DeliveredSeqnums.NONE;
    }
    if (seen.contains(entry.getSeqnum())) {
      dropped.increment();
      return;
    }
    delivered.put(key, seen.with(entry.getSeqnum()));
    context.forward(record);
  }
}
