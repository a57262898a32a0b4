package io.fleetpulse.streams.alerts;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.FleetSerdes;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Backfills told as history (issue 30): a device offline for two hours uploads its journal, and a crash loop that
 * started and ended two hours ago must not be announced as firing now and resolved at the upload. An alert that
 * opens while its device's data is being backfilled (received long after it happened) is held here instead of
 * sent: if the later data clears it, it goes out once, resolved, as a past episode with the times the data gives;
 * if the data reaches the present and it still holds, it fires as usual.
 *
 * <p>Key {@code <device>|<alert id>}, value the held FIRING alert; written in the same exactly-once transactions
 * as the alerts.
 */
public final class PastEpisodes {

  public static final String NAME = "held-alerts";
  /** How a past episode's summary starts: the receiver must see at once that it is not happening now. */
  public static final String PAST = "While the device was offline: ";

  private final KeyValueStore<String, Alert> held;

  PastEpisodes(KeyValueStore<String, Alert> held) {
    this.held = held;
  }

  public static StoreBuilder<KeyValueStore<String, Alert>> builder() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NAME), Serdes.String(), FleetSerdes.alert());
  }

  void hold(Alert firing) {
    held.put(key(firing), firing);
  }

  boolean isHeld(Alert alert) {
    return alert.getDeviceUuid() != null && held.get(key(alert)) != null;
  }

  /** The resolution of a held alert, as the one message about it: a past episode. */
  Alert toldAsPast(Alert resolved) {
    held.delete(key(resolved));
    return Alert.newBuilder(resolved).setSummary(PAST + resolved.getSummary()).build();
  }

  /** No longer held: it fires as usual. */
  void release(Alert alert) {
    held.delete(key(alert));
  }

  /** The device's held alerts, as they were opened. */
  List<Alert> of(String device) {
    List<Alert> alerts = new ArrayList<>();
    try (KeyValueIterator<String, Alert> it = held.prefixScan(device + "|", new StringSerializer())) {
      it.forEachRemaining(kv -> alerts.add(kv.value));
    }
    return alerts;
  }

  private static String key(Alert alert) {
    return alert.getDeviceUuid() + "|" + alert.getId();
  }
}
