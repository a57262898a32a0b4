package io.fleetpulse.streams.alerts;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.streams.detect.Finding;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One alert per episode. A finding without a live alert opens one (FIRING, a new id); a live alert
 * whose finding is gone resolves (RESOLVED, same id); a finding with a live alert is no transition, so
 * there is never a second FIRING, but the stores take its current summary and evidence ("7 unclean
 * restarts", not the 2 it fired with), which is what the REST API shows. The id is derived from the
 * device, kind, subject and start time, so replaying the same input after a crash yields the same id.
 */
public final class AlertLifecycle {

  private final KeyValueStore<String, Alert> store;
  private final KeyValueStore<String, Alert> firing;
  private final FiringAlertCounts counts;

  /**
   * @param store every (device, kind, subject)'s latest episode ({@link AlertsStore})
   * @param firing the FIRING ones among them ({@link FiringAlertsStore}); filled from {@code store} if it is
   *     empty while {@code store} has some (state written before the index existed)
   * @param counts how many of them fire per fleet, kind and severity ({@link FiringAlertCounts}); counted from
   *     {@code firing} if missing
   */
  public AlertLifecycle(KeyValueStore<String, Alert> store, KeyValueStore<String, Alert> firing, KeyValueStore<String, Long> counts) {
    this.store = store;
    this.firing = firing;
    this.counts = new FiringAlertCounts(counts);
    boolean indexEmpty;
    try (KeyValueIterator<String, Alert> any = firing.all()) {
      indexEmpty = !any.hasNext();
    }
    if (indexEmpty) {
      try (KeyValueIterator<String, Alert> all = store.all()) {
        all.forEachRemaining(kv -> {
          if (kv.value.getState() == AlertState.FIRING) {
            firing.put(FiringAlertsStore.key(kv.value, kv.key), kv.value);
          }
        });
      }
    }
    this.counts.countIfMissing(firing);
  }

  /** From the stores of {@code context}'s processor. */
  public static AlertLifecycle of(ProcessingContext context) {
    return new AlertLifecycle(context.getStateStore(AlertsStore.NAME), context.getStateStore(FiringAlertsStore.NAME),
        context.getStateStore(FiringAlertCounts.NAME));
  }

  /**
   * Reconciles one device's live alerts of the given kinds with what its detectors see at {@code now}.
   * Alerts that started after {@code now} are left alone: a late, older event must not resolve them.
   *
   * @return the transitions, in order
   */
  public List<Alert> reconcile(String device, String fleet, Set<AlertKind> kinds, List<Finding> findings, Instant now) {
    return reconcile(device, fleet, kinds, findings, now, UnaryOperator.identity());
  }

  /** @param explain what a resolution says beyond its finding being gone (a user rule removed, say) */
  public List<Alert> reconcile(String device, String fleet, Set<AlertKind> kinds, List<Finding> findings, Instant now,
                               UnaryOperator<Alert> explain) {
    List<Alert> transitions = new ArrayList<>();
    Set<String> held = new HashSet<>();
    for (Finding finding : findings) {
      String key = AlertsStore.key(device, finding.key());
      held.add(key);
      Alert current = store.get(key);
      if (current == null || current.getState() == AlertState.RESOLVED) {
        Alert opened = open(device, fleet, finding, current);
        store.put(key, opened);
        firing.put(FiringAlertsStore.key(opened, key), opened);
        counts.fired(opened);
        transitions.add(opened);
      } else if (!current.getSummary().equals(finding.summary()) || !current.getEvidence().equals(finding.evidence())) {
        Alert grown = Alert.newBuilder(current).setSummary(finding.summary()).setEvidence(new ArrayList<>(finding.evidence())).build();
        store.put(key, grown);
        firing.put(FiringAlertsStore.key(grown, key), grown);
      }
    }
    for (KeyValue<String, Alert> live : firing(device)) {
      Alert alert = live.value;
      if (kinds.contains(alert.getKind()) && !held.contains(live.key) && !now.isBefore(alert.getStartedAt())) {
        Alert resolved = explain.apply(Alert.newBuilder(alert).setState(AlertState.RESOLVED).setResolvedAt(now).build());
        store.put(live.key, resolved);
        firing.delete(FiringAlertsStore.key(alert, live.key));
        counts.resolved(alert);
        transitions.add(resolved);
      }
    }
    return transitions;
  }

  /** The device's FIRING alerts. */
  public List<KeyValue<String, Alert>> firing(String device) {
    List<KeyValue<String, Alert>> live = new ArrayList<>();
    try (KeyValueIterator<String, Alert> it = store.prefixScan(AlertsStore.devicePrefix(device), new StringSerializer())) {
      it.forEachRemaining(kv -> {
        if (kv.value.getState() == AlertState.FIRING) {
          live.add(kv);
        }
      });
    }
    return live;
  }

  /** Every device's FIRING alerts, newest first. */
  public List<Alert> allFiring() {
    List<Alert> live = new ArrayList<>();
    try (KeyValueIterator<String, Alert> it = firing.all()) {
      it.forEachRemaining(kv -> live.add(kv.value));
    }
    return live;
  }

  /** The device's FIRING alerts, without their store keys. */
  public List<Alert> firingAlerts(String device) {
    return firing(device).stream().map(kv -> kv.value).toList();
  }

  /**
   * A new episode. Its id comes from what it is and since when, and from the resolution of the episode
   * before it: a finding can come back with the start of an episode already resolved (late events judged
   * again after the wall clock resolved it), and it is a new episode all the same. One FIRING per id.
   */
  private static Alert open(String device, String fleet, Finding finding, Alert previous) {
    String identity = device + "|" + finding.key() + "|" + finding.since().toEpochMilli()
        + (previous == null ? "" : "|after|" + previous.getResolvedAt().toEpochMilli());
    return Alert.newBuilder()
        .setId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString())
        .setDeviceUuid(device)
        .setFleet(fleet)
        .setKind(finding.kind())
        .setSeverity(finding.severity())
        .setState(AlertState.FIRING)
        .setSubject(finding.subject())
        .setCause(finding.cause())
        .setSummary(finding.summary())
        .setHint(finding.hint())
        .setStartedAt(finding.since())
        .setResolvedAt(null)
        .setEvidence(new ArrayList<>(finding.evidence()))
        .setRule(finding.rule())
        .build();
  }
}
