package io.fleetpulse.streams.journal;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.alerts.AlertsStore;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The journal lines around each listed device alert, kept apart from the device's journal so they outlive its
 * retention for as long as the alert is listed: when it fires, the {@value #AROUND} lines before its first evidence
 * line and those since; when it resolves, up to {@value #AROUND} after it. A new episode of the same finding (which
 * replaces the alert in the list) replaces them. Keyed by the alert's place in {@link AlertsStore}, then the line's
 * key, so an alert's lines read back in the device's order.
 */
public final class AlertJournal {

  public static final String STORE = "alert-journal";
  /** Lines kept on either side of an alert's first evidence line. */
  public static final int AROUND = 50;

  private final KeyValueStore<String, JournalEntry> pinned;
  private final KeyValueStore<String, JournalEntry> lines;

  private AlertJournal(KeyValueStore<String, JournalEntry> pinned, KeyValueStore<String, JournalEntry> lines) {
    this.pinned = pinned;
    this.lines = lines;
  }

  public static StoreBuilder<KeyValueStore<String, JournalEntry>> builder() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), FleetSerdes.journalEntry());
  }

  /** From the stores of {@code context}'s processor. */
  public static AlertJournal of(ProcessingContext context) {
    return new AlertJournal(context.getStateStore(STORE), context.getStateStore(DeviceJournalStore.LINES));
  }

  /** Keeps the lines around a device alert that was just told (fleet incidents have no journal of their own). */
  public void keep(Alert alert) {
    if (alert.getDeviceUuid() == null) {
      return;
    }
    String prefix = prefix(AlertsStore.key(alert.getDeviceUuid(), alert.getKind() + "/" + (alert.getSubject() == null ? "" : alert.getSubject())));
    List<StoredJournal.Line> journal = StoredJournal.lines(lines, alert.getDeviceUuid());
    int anchor = JournalAnchor.of(alert).indexIn(journal);
    int from;
    int to;
    if (alert.getState() == AlertState.FIRING) {
      forget(prefix);
      from = Math.max(0, anchor - AROUND);
      to = Math.min(journal.size(), anchor + AROUND);
    } else {
      from = anchor;
      to = Math.min(journal.size(), anchor + AROUND);
    }
    for (StoredJournal.Line line : journal.subList(Math.min(from, to), to)) {
      pinned.put(prefix + line.key(), line.entry());
    }
  }

  private void forget(String prefix) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, JournalEntry> it = pinned.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(pinned::delete);
  }

  /** The lines kept for the alert at {@code alertKey} (its key in {@link AlertsStore}), in the device's order. */
  public static List<StoredJournal.Line> of(ReadOnlyKeyValueStore<String, JournalEntry> pinned, String alertKey) {
    String prefix = prefix(alertKey);
    List<StoredJournal.Line> out = new ArrayList<>();
    try (KeyValueIterator<String, JournalEntry> it = pinned.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(kv -> {
        String key = kv.key.substring(prefix.length());
        out.add(new StoredJournal.Line(DeviceJournalStore.bootOf(key), kv.value, key));
      });
    }
    return out;
  }

  private static String prefix(String alertKey) {
    return alertKey + "#";
  }
}
