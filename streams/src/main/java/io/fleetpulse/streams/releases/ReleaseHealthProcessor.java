package io.fleetpulse.streams.releases;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.streams.fleet.FleetStores;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Health by release, per fleet (keyed by fleet, after the fleet view's repartition): which release each device runs,
 * from its health; each device's exposure and its events and alerts per release ({@link ReleaseTally}); and every
 * {@code round}, for the fleets that changed, the releases judged against each other ({@link ReleaseReport}) into
 * {@link ReleaseStores#REPORTS}, with RELEASE_REGRESSION (kept with the fleet incidents) raised while a release is significantly worse than the one
 * before it and resolved once it no longer is (re-judged as data comes).
 *
 * <p>A release's tallies are summed at judgement from the store, not kept as running totals: a device's tally is the
 * one record written per signal, and a fleet's releases are judged at most once a round however busy it is.
 */
public final class ReleaseHealthProcessor implements Processor<String, ReleaseSignal, String, Alert> {

  private final RegressionRule rule;
  private final Duration round;
  private final Set<String> changedFleets = new HashSet<>();
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, DeviceOnRelease> devices;
  private KeyValueStore<String, ReleaseTally> tallies;
  private KeyValueStore<String, ReleaseRow> reports;
  private KeyValueStore<String, Alert> alerts;

  public ReleaseHealthProcessor(RegressionRule rule, Duration round) {
    this.rule = rule;
    this.round = round;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    this.devices = context.getStateStore(ReleaseStores.DEVICES);
    this.tallies = context.getStateStore(ReleaseStores.TALLIES);
    this.reports = context.getStateStore(ReleaseStores.REPORTS);
    this.alerts = context.getStateStore(FleetStores.INCIDENTS);
    context.schedule(round, PunctuationType.WALL_CLOCK_TIME, now -> judgeChanged(Instant.ofEpochMilli(now)));
  }

  @Override
  public void process(Record<String, ReleaseSignal> record) {
    String fleet = record.key();
    ReleaseSignal signal = record.value();
    String deviceKey = ReleaseStores.key(fleet, signal.device());
    DeviceOnRelease on = devices.get(deviceKey);
    if (signal.release() != null) {
      String tallyKey = ReleaseStores.key(fleet, signal.release(), signal.device());
      ReleaseTally tally = tallies.get(tallyKey);
      boolean stayed = on != null && on.release().equals(signal.release());
      if (tally == null) {
        // A release counts from when the device began running it, as it said, else from when it was seen on it.
        tally = ReleaseTally.startingAt(signal.since() > 0 ? signal.since() : signal.at());
      }
      long seenBefore = stayed ? on.lastSeen() : 0;
      tallies.put(tallyKey, tally.seen(seenBefore, signal.at(), signal.failing(), signal.os()));
      devices.put(deviceKey, new DeviceOnRelease(signal.release(), Math.max(signal.at(), seenBefore)));
    } else {
      String release = on == null ? Releases.UNKNOWN : on.release();
      String tallyKey = ReleaseStores.key(fleet, release, signal.device());
      ReleaseTally tally = tallies.get(tallyKey);
      for (String kind : signal.counts()) {
        tally = (tally == null ? ReleaseTally.startingAt(signal.at()) : tally).counted(kind);
      }
      if (tally != null) {
        tallies.put(tallyKey, tally);
      }
    }
    changedFleets.add(fleet);
  }

  private void judgeChanged(Instant now) {
    for (String fleet : List.copyOf(changedFleets)) {
      judge(fleet, now);
    }
    changedFleets.clear();
  }

  private void judge(String fleet, Instant now) {
    Map<String, List<ReleaseTally>> byRelease = new HashMap<>();
    try (KeyValueIterator<String, ReleaseTally> it = tallies.prefixScan(ReleaseStores.key(fleet, ""), new StringSerializer())) {
      it.forEachRemaining(kv -> {
        String[] key = ReleaseStores.split(kv.key);
        byRelease.computeIfAbsent(key[1], release -> new ArrayList<>()).add(kv.value);
      });
    }
    for (ReleaseRow row : ReleaseReport.of(byRelease, rule)) {
      reports.put(ReleaseStores.key(fleet, row.release()), row);
      String alertKey = ReleaseStores.alertKey(fleet, row.release());
      Alert current = alerts.get(alertKey);
      boolean firing = current != null && current.getState() == AlertState.FIRING;
      if (!row.regression().isEmpty() && !firing) {
        Alert opened = RegressionAlert.opened(fleet, row, now);
        alerts.put(alertKey, opened);
        context.forward(new Record<>(fleet, opened, now.toEpochMilli()));
      } else if (!row.regression().isEmpty()) {
        alerts.put(alertKey, RegressionAlert.updated(current, row));
      } else if (firing) {
        Alert resolved = Alert.newBuilder(current).setState(AlertState.RESOLVED).setResolvedAt(now)
            .setSummary("release " + row.release() + " is no longer worse than " + row.previous() + " (re-judged with the data since)")
            .build();
        alerts.put(alertKey, resolved);
        context.forward(new Record<>(fleet, resolved, now.toEpochMilli()));
      }
    }
  }

  /** Whether an event is counted per release at all: disk samples are measurements, not happenings. */
  public static boolean counts(EventKind kind) {
    return kind != EventKind.DISK_SAMPLE;
  }

  /** Whether an alert transition adds to a release's counts: a device alert of a kind no event of its name counts. */
  public static boolean counts(AlertKind kind) {
    return ReleaseReport.countedKind(kind) != null;
  }
}
