package io.fleetpulse.streams.alerts;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.FleetSerdes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  /**
   * How many alerts each device holds, read from the store when the task starts: every event asks whether its
   * device holds any, and almost none do, so the answer comes from memory, not a store scan per event.
   */
  private final Map<String, Integer> heldPerDevice = new HashMap<>();

  PastEpisodes(KeyValueStore<String, Alert> held) {
    this.held = held;
    try (KeyValueIterator<String, Alert> all = held.all()) {
      all.forEachRemaining(kv -> heldPerDevice.merge(kv.value.getDeviceUuid(), 1, Integer::sum));
    }
  }

  public static StoreBuilder<KeyValueStore<String, Alert>> builder() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NAME), Serdes.String(), FleetSerdes.alert());
  }

  void hold(Alert firing) {
    if (held.get(key(firing)) == null) {
      heldPerDevice.merge(firing.getDeviceUuid(), 1, Integer::sum);
    }
    held.put(key(firing), firing);
  }

  boolean isHeld(Alert alert) {
    return alert.getDeviceUuid() != null && heldPerDevice.containsKey(alert.getDeviceUuid()) && held.get(key(alert)) != null;
  }

  /** The resolution of a held alert, as the one message about it: a past episode. */
  Alert toldAsPast(Alert resolved) {
    release(resolved);
    return Alert.newBuilder(resolved).setSummary(PAST + resolved.getSummary()).build();
  }

  /** No longer held: it fires as usual. */
  void release(Alert alert) {
    if (held.delete(key(alert)) != null) {
      heldPerDevice.computeIfPresent(alert.getDeviceUuid(), (device, count) -> count > 1 ? count - 1 : null);
    }
  }

  /** The device's held alerts, as they were opened. */
  List<Alert> of(String device) {
    if (!heldPerDevice.containsKey(device)) {
      return List.of();
    }
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
