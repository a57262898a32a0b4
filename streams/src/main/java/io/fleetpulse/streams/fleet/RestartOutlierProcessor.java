package io.fleetpulse.streams.fleet;

import io.fleetpulse.schemas.RestartOutlier;
import io.fleetpulse.streams.detect.DetectionSettings;
import io.fleetpulse.streams.health.HealthChecks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IntSummaryStatistics;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Restart-rate outliers: devices whose unclean restarts stand out against their own fleet. A slow burn
 * (the engine killed every two hours) never makes a CRASHLOOP, and "8 restarts a day" means little
 * without knowing that the fleet's other devices restart 0 or 1 times.
 *
 * <p>Keyed by fleet (after the by-fleet repartition), it counts each device's unclean restarts per check
 * ({@link HealthChecks#restartCheckOf}) over the sliding window. Every round it judges each (fleet,
 * check) with restarts or live outliers: the population is the fleet's devices seen within the window
 * (0 restarts for those without any), and it needs the minimum number of them; a device is an outlier
 * when it has at least the minimum restarts and a {@link RobustZ} score of at least the threshold. The
 * verdicts go out keyed by device, to reach its health: one when a device becomes an outlier, one per
 * change of its own count while it stays one, and a withdrawal when it no longer is. Judging per round
 * instead of per restart bounds the work when a whole fleet restarts at once; a day-long statistic
 * loses nothing by waiting a round.
 */
public final class RestartOutlierProcessor implements Processor<String, FleetSignal, String, RestartOutlier> {

  /** Buckets per window: counts are exact to 1/24 of the window (an hour of a day). */
  private static final int BUCKETS_PER_WINDOW = 24;

  private final DetectionSettings settings;
  private final Duration round;
  private final Duration bucket;
  private ProcessorContext<String, RestartOutlier> context;
  private KeyValueStore<String, Long> lastSeen;
  private KeyValueStore<String, RestartTally> restarts;
  private KeyValueStore<String, RestartOutlier> outliers;

  public RestartOutlierProcessor(DetectionSettings settings, Duration round) {
    this.settings = settings;
    this.round = round;
    this.bucket = settings.outlierWindow().dividedBy(BUCKETS_PER_WINDOW);
  }

  @Override
  public void init(ProcessorContext<String, RestartOutlier> context) {
    this.context = context;
    this.lastSeen = context.getStateStore(FleetStores.DEVICES);
    this.restarts = context.getStateStore(FleetStores.RESTARTS);
    this.outliers = context.getStateStore(FleetStores.OUTLIERS);
    context.schedule(round, PunctuationType.WALL_CLOCK_TIME, now -> judgeAll(Instant.ofEpochMilli(now)));
  }

  @Override
  public void process(Record<String, FleetSignal> record) {
    FleetSignal signal = record.value();
    if (signal.restartedUnit() == null) {
      return;
    }
    String key = FleetStores.key(record.key(), HealthChecks.restartCheckOf(signal.restartedUnit()), signal.device());
    RestartTally tally = restarts.get(key);
    restarts.put(key, (tally == null ? RestartTally.none() : tally).plus(Instant.ofEpochMilli(signal.at()), signal.restartedUnit(), bucket));
  }

  private record FleetCheck(String fleet, String check) {

    /** From a {@code <fleet>|<check>|<uuid>} key; the fleet may itself contain '|'. */
    static FleetCheck ofKey(String key) {
      int device = key.lastIndexOf('|');
      int check = key.lastIndexOf('|', device - 1);
      return new FleetCheck(key.substring(0, check), key.substring(check + 1, device));
    }

    String prefix() {
      return FleetStores.key(fleet, check, "");
    }
  }

  private void judgeAll(Instant now) {
    Set<FleetCheck> judged = new LinkedHashSet<>();
    try (KeyValueIterator<String, RestartTally> it = restarts.all()) {
      it.forEachRemaining(kv -> judged.add(FleetCheck.ofKey(kv.key)));
    }
    try (KeyValueIterator<String, RestartOutlier> it = outliers.all()) {
      it.forEachRemaining(kv -> judged.add(FleetCheck.ofKey(kv.key)));
    }
    for (FleetCheck fleetCheck : judged) {
      judge(fleetCheck, now);
    }
  }

  private void judge(FleetCheck fleetCheck, Instant now) {
    Instant from = now.minus(settings.outlierWindow());
    Map<String, RestartTally> tallies = restartsSince(fleetCheck, from);
    Map<String, Integer> counts = new HashMap<>();
    activeDevices(fleetCheck.fleet(), from).forEach(device -> counts.put(device, 0));
    tallies.forEach((device, tally) -> counts.put(device, tally.restarts()));
    Map<String, RestartOutlier> outliersNow = counts.size() >= settings.outlierMinDevices()
        ? outliersAmong(fleetCheck, counts, tallies, now) : Map.of();
    publish(fleetCheck, outliersNow, counts, now);
  }

  /** The verdicts on the devices that stand out among {@code counts} (device → unclean restarts). */
  private Map<String, RestartOutlier> outliersAmong(FleetCheck fleetCheck, Map<String, Integer> counts,
                                                    Map<String, RestartTally> tallies, Instant now) {
    RobustZ robustZ = RobustZ.of(counts.values());
    Set<String> flagged = new HashSet<>();
    counts.forEach((device, restartCount) -> {
      if (restartCount >= settings.outlierMinRestarts() && robustZ.score(restartCount) >= settings.outlierRobustZ()) {
        flagged.add(device);
      }
    });
    IntSummaryStatistics typical = counts.entrySet().stream().filter(e -> !flagged.contains(e.getKey()))
        .mapToInt(Map.Entry::getValue).summaryStatistics();
    Map<String, RestartOutlier> verdicts = new HashMap<>();
    for (String device : flagged) {
      int restartCount = counts.get(device);
      double score = robustZ.score(restartCount);
      verdicts.put(device, RestartOutlier.newBuilder()
          .setDeviceUuid(device).setFleet(fleetCheck.fleet()).setCheck(fleetCheck.check()).setOutlier(true)
          .setRestarts(restartCount).setRobustZ(score).setFleetMedian(robustZ.median())
          .setTypicalLow(typical.getMin()).setTypicalHigh(typical.getMax()).setActiveDevices(counts.size()).setAt(now)
          .setMessage(OutlierMessages.outlier(fleetCheck.check(), tallies.get(device).lastUnit(), restartCount,
              settings.outlierWindow(), typical.getMin(), typical.getMax(), score))
          .build());
    }
    return verdicts;
  }

  /**
   * Sends what changed: a new outlier, an outlier whose own count moved, and a withdrawal for every live
   * outlier that no longer is one (its restarts left the window, the fleet caught up, or it fell silent).
   */
  private void publish(FleetCheck fleetCheck, Map<String, RestartOutlier> outliersNow, Map<String, Integer> counts, Instant now) {
    for (RestartOutlier verdict : outliersNow.values()) {
      RestartOutlier live = outliers.get(fleetCheck.prefix() + verdict.getDeviceUuid());
      if (live == null || live.getRestarts() != verdict.getRestarts()) {
        outliers.put(fleetCheck.prefix() + verdict.getDeviceUuid(), verdict);
        context.forward(new Record<>(verdict.getDeviceUuid(), verdict, now.toEpochMilli()));
      }
    }
    for (KeyValue<String, RestartOutlier> live : liveOutliers(fleetCheck)) {
      String device = live.value.getDeviceUuid();
      if (!outliersNow.containsKey(device)) {
        int restartCount = counts.getOrDefault(device, 0);
        RestartOutlier withdrawn = RestartOutlier.newBuilder(live.value).setOutlier(false).setRestarts(restartCount)
            .setActiveDevices(counts.size()).setAt(now)
            .setMessage(OutlierMessages.withdrawn(fleetCheck.check(), restartCount, settings.outlierWindow())).build();
        outliers.delete(live.key);
        context.forward(new Record<>(device, withdrawn, now.toEpochMilli()));
      }
    }
  }

  /** Each device's tally within the window; buckets that slid out of it are dropped from the store. */
  private Map<String, RestartTally> restartsSince(FleetCheck fleetCheck, Instant from) {
    Map<String, RestartTally> counted = new HashMap<>();
    Map<String, RestartTally> pruned = new HashMap<>();
    try (KeyValueIterator<String, RestartTally> it = restarts.prefixScan(fleetCheck.prefix(), new StringSerializer())) {
      it.forEachRemaining(kv -> {
        RestartTally recent = kv.value.since(from);
        if (recent.buckets().size() < kv.value.buckets().size()) {
          pruned.put(kv.key, recent.isEmpty() ? null : recent);
        }
        if (!recent.isEmpty()) {
          counted.put(kv.key.substring(kv.key.lastIndexOf('|') + 1), recent);
        }
      });
    }
    pruned.forEach(restarts::put);
    return counted;
  }

  private Set<String> activeDevices(String fleet, Instant from) {
    Set<String> active = new HashSet<>();
    try (KeyValueIterator<String, Long> it = lastSeen.prefixScan(FleetStores.key(fleet, ""), new StringSerializer())) {
      it.forEachRemaining(kv -> {
        if (kv.value >= from.toEpochMilli()) {
          active.add(kv.key.substring(kv.key.lastIndexOf('|') + 1));
        }
      });
    }
    return active;
  }

  private List<KeyValue<String, RestartOutlier>> liveOutliers(FleetCheck fleetCheck) {
    List<KeyValue<String, RestartOutlier>> live = new ArrayList<>();
    try (KeyValueIterator<String, RestartOutlier> it = outliers.prefixScan(fleetCheck.prefix(), new StringSerializer())) {
      it.forEachRemaining(live::add);
    }
    return live;
  }
}
