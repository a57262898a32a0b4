package io.fleetpulse.streams.alerts;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.streams.rules.RuleEvents;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * How many device alerts fire, per fleet, kind and severity, kept with every transition of {@link AlertLifecycle}:
 * the fleet summary and the {@code fleetpulse_alerts_firing} gauges read a handful of counters, not every alert
 * that fires. Written in the same exactly-once transactions as the alerts, so the two never disagree.
 *
 * <p>Key: {@code <fleet>|<KIND>|<severity>}; a counter that reaches zero is deleted. The marker key
 * {@value #COUNTED} says the counters cover the task's firing alerts (absent: they are counted once, at start).
 */
public final class FiringAlertCounts {

  public static final String NAME = "firing-alert-counts";
  /** Present once the task's firing alerts are counted; sorts before every fleet's key. */
  static final String COUNTED = "|counted";

  private final KeyValueStore<String, Long> counts;

  FiringAlertCounts(KeyValueStore<String, Long> counts) {
    this.counts = counts;
  }

  public static StoreBuilder<KeyValueStore<String, Long>> builder() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NAME), Serdes.String(), Serdes.Long());
  }

  /** The key of an alert's counter: a user rule's alerts under the rule's own kind. */
  public static String key(Alert alert) {
    return alert.getFleet() + "|" + RuleEvents.kindOf(alert) + "|" + alert.getSeverity().name();
  }

  /** The fleet of a counter's key (read from the end: kind and severity never hold a '|'). */
  public static String fleet(String key) {
    return key.substring(0, key.lastIndexOf('|', key.lastIndexOf('|') - 1));
  }

  /** The alert kind of a counter's key. */
  public static String kind(String key) {
    int last = key.lastIndexOf('|');
    return key.substring(key.lastIndexOf('|', last - 1) + 1, last);
  }

  /** The severity of a counter's key. */
  public static String severity(String key) {
    return key.substring(key.lastIndexOf('|') + 1);
  }

  /** Whether {@code key} is a counter, not the marker. */
  public static boolean isCounter(String key) {
    return !COUNTED.equals(key);
  }

  void fired(Alert alert) {
    add(key(alert), 1);
  }

  void resolved(Alert alert) {
    add(key(alert), -1);
  }

  /** Counts what {@code firing} holds when the counters are missing (a task whose alerts predate them): once per task, at start. */
  void countIfMissing(KeyValueStore<String, Alert> firing) {
    if (counts.get(COUNTED) != null) {
      return;
    }
    try (KeyValueIterator<String, Alert> all = firing.all()) {
      all.forEachRemaining(alert -> fired(alert.value));
    }
    counts.put(COUNTED, 1L);
  }

  private void add(String key, long by) {
    Long now = counts.get(key);
    long next = (now == null ? 0 : now) + by;
    counts.put(key, next <= 0 ? null : next);
  }
}
