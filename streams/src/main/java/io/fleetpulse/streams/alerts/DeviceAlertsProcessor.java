package io.fleetpulse.streams.alerts;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.DeviceStatus;
import io.fleetpulse.schemas.RestartOutlier;
import io.fleetpulse.streams.detect.DetectionSettings;
import io.fleetpulse.streams.detect.Detectors;
import io.fleetpulse.streams.detect.Finding;
import io.fleetpulse.streams.detect.UnreachableDetector;
import io.fleetpulse.streams.events.DeviceEventsStore;
import io.fleetpulse.streams.health.DeviceOutliersStore;
import io.fleetpulse.streams.health.HealthBook;
import io.fleetpulse.streams.journal.AlertJournal;
import io.fleetpulse.streams.rules.RuleDetector;
import io.fleetpulse.streams.rules.RuleSet;
import io.fleetpulse.streams.rules.RulesInForce;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Per device event: file it in the event log, run the detectors over the device's recent events at the
 * event's time, and move the alert lifecycle and the device's health on. Conditions also clear by
 * time passing without news (quiet periods, an unreachable device), which no event announces: a
 * wall-clock round re-judges every device with a live alert, and every device the collector reports
 * on, every {@code round}. Data received more than {@link #BACKFILL} after it happened is a backfill: the
 * alerts it opens are held ({@link PastEpisodes}) until later data says whether they are past or present.
 */
public final class DeviceAlertsProcessor implements Processor<String, DeviceEvent, String, Object> {

  /** What a device's events raise: the built-in kinds, and the users' rules (OTHER, told apart by their rule). */
  private static final Set<AlertKind> EVENT_KINDS = EnumSet.complementOf(EnumSet.of(AlertKind.DEVICE_UNREACHABLE,
      AlertKind.FLEET_INCIDENT, AlertKind.RELEASE_REGRESSION));
  private static final Set<AlertKind> CONNECTION_KINDS = EnumSet.of(AlertKind.DEVICE_UNREACHABLE);
  /** How late data may arrive and still be judged as live: beyond it, what it opens is held until the data catches up. */
  public static final Duration BACKFILL = Duration.ofMinutes(30);
  /** How finely the end of a backfilled episode is found. */
  private static final Duration BACKFILL_STEP = Duration.ofMinutes(1);

  private final DetectionSettings settings;
  private final Duration round;
  private final Detectors detectors;
  private final RulesInForce rules;
  private final RuleDetector ruleDetector = new RuleDetector();
  private final UnreachableDetector unreachable;
  private final String eventsChild;
  private final String alertsChild;
  private final String healthChild;
  private ProcessorContext<String, Object> context;
  private WindowStore<String, DeviceEvent> events;
  private KeyValueStore<String, DeviceStatus> connections;
  private KeyValueStore<String, RestartOutlier> outliers;
  private AlertLifecycle lifecycle;
  private PastEpisodes past;
  private HealthBook health;
  private final boolean keepJournals;
  private AlertJournal journal;

  /** @param keepJournals keep the journal lines around each alert told ({@link AlertJournal}); off with the journal store */
  public DeviceAlertsProcessor(DetectionSettings settings, RulesInForce rules, Duration round, boolean keepJournals, String eventsChild,
                               String alertsChild, String healthChild) {
    this.rules = rules;
    this.settings = settings;
    this.keepJournals = keepJournals;
    this.round = round;
    this.detectors = Detectors.standard(settings);
    this.unreachable = new UnreachableDetector(settings);
    this.eventsChild = eventsChild;
    this.alertsChild = alertsChild;
    this.healthChild = healthChild;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.events = context.getStateStore(DeviceEventsStore.NAME);
    this.connections = context.getStateStore(DeviceConnectionsStore.NAME);
    this.outliers = context.getStateStore(DeviceOutliersStore.NAME);
    this.lifecycle = AlertLifecycle.of(context);
    this.past = new PastEpisodes(context.getStateStore(PastEpisodes.NAME));
    this.health = HealthBook.of(context);
    this.journal = keepJournals ? AlertJournal.of(context) : null;
    context.schedule(round, PunctuationType.WALL_CLOCK_TIME, now -> judgeAll(Instant.ofEpochMilli(now)));
  }

  @Override
  public void process(Record<String, DeviceEvent> record) {
    DeviceEvent event = record.value();
    events.put(record.key(), event, event.getAt().toEpochMilli());
    context.forward(record.<Object>withValue(event), eventsChild);
    boolean backfill = Duration.between(event.getAt(), Instant.ofEpochMilli(record.timestamp())).compareTo(BACKFILL) > 0;
    judgeEvents(record.key(), event.getFleet(), event.getAt(), record.timestamp(), backfill);
  }

  /**
   * Judges the device as of {@code at}, or as of its newest event if a later one is already filed: an
   * entry that arrives late (another unit's topic lagging, a backfill) joins the picture it belongs to
   * instead of rewinding the device's state to its own time.
   */
  private void judgeEvents(String device, String fleet, Instant at, long timestamp, boolean backfill) {
    List<DeviceEvent> recent = new ArrayList<>();
    try (WindowStoreIterator<DeviceEvent> it = events.fetch(device, at.minus(settings.lookback()), at.plus(settings.lookback()))) {
      it.forEachRemaining(kv -> recent.add(kv.value));
    }
    Instant now = recent.isEmpty() || recent.get(recent.size() - 1).getAt().isBefore(at) ? at : recent.get(recent.size() - 1).getAt();
    List<Finding> findings = detectors.evaluate(recent, now);
    List<Finding> ruleFindings = ruleDetector.evaluate(rules.current(), recent, now);
    if (!ruleFindings.isEmpty()) {
      findings = new ArrayList<>(findings);
      findings.addAll(ruleFindings);
    }
    RuleSet inForce = rules.current();
    emit(device, fleet, lifecycle.reconcile(device, fleet, EVENT_KINDS, findings, now, resolved -> ruleRemoved(resolved, inForce)), now,
        timestamp, backfill);
  }

  /** A user rule's alert resolved because its rule is no longer in force says so. */
  private static Alert ruleRemoved(Alert resolved, RuleSet inForce) {
    if (resolved.getRule() == null || inForce.rule(resolved.getRule().getName()).isPresent()) {
      return resolved;
    }
    return Alert.newBuilder(resolved).setSummary("Rule " + resolved.getRule().getName() + " removed (rules version " + inForce.version()
        + "): " + resolved.getSummary()).build();
  }

  private void judgeAll(Instant now) {
    Map<String, String> fleetByDevice = new LinkedHashMap<>();
    for (Alert alert : lifecycle.allFiring()) {
      if (alert.getDeviceUuid() != null) {
        fleetByDevice.put(alert.getDeviceUuid(), alert.getFleet());
      }
    }
    List<DeviceStatus> statuses = new ArrayList<>();
    try (KeyValueIterator<String, DeviceStatus> it = connections.all()) {
      it.forEachRemaining(kv -> statuses.add(kv.value));
    }
    for (Map.Entry<String, String> device : fleetByDevice.entrySet()) {
      if (past.of(device.getKey()).isEmpty()) {
        judgeEvents(device.getKey(), device.getValue(), now, now.toEpochMilli(), false);
      } else {
        judgeBackfillEnded(device.getKey(), device.getValue(), now);
      }
    }
    for (DeviceStatus status : statuses) {
      String device = status.getDeviceUuid();
      List<Finding> findings = unreachable.evaluate(status, now);
      emit(device, status.getFleet(), lifecycle.reconcile(device, status.getFleet(), CONNECTION_KINDS, findings, now), now, now.toEpochMilli(),
          false);
    }
  }

  /**
   * A device whose held alerts no newer event has cleared or confirmed: once nothing has arrived from it for a
   * round, its backfill is over. It is judged minute by minute from its newest event up to the newest time its
   * data reached (its last seen, which lines without events advance too), not at the wall clock: a past episode
   * resolves when its data shows it over, and what still holds at the end fires.
   */
  private void judgeBackfillEnded(String device, String fleet, Instant now) {
    DeviceEvent newest;
    try (WindowStoreIterator<DeviceEvent> it = events.backwardFetch(device, now.minus(settings.lookback()).minus(Duration.ofDays(1)), now)) {
      newest = it.hasNext() ? it.next().value : null;
    }
    if (newest == null || newest.getReceivedAt() == null || newest.getReceivedAt().isAfter(now.minus(round))) {
      return; // still arriving
    }
    Instant dataUntil = health.lastSeen(device).filter(seen -> seen.isAfter(newest.getAt())).orElse(newest.getAt());
    // Past the longest window no event can keep a finding alive: judging stops there, then once more at the data's end.
    Instant lastStep = min(dataUntil, newest.getAt().plus(settings.lookback()));
    for (Instant at = newest.getAt(); at.isBefore(lastStep) && !past.of(device).isEmpty(); ) {
      at = min(at.plus(BACKFILL_STEP), lastStep);
      judgeEvents(device, fleet, at, now.toEpochMilli(), true);
    }
    judgeEvents(device, fleet, dataUntil, now.toEpochMilli(), false);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private void emit(String device, String fleet, List<Alert> transitions, Instant now, long timestamp, boolean backfill) {
    List<Alert> told = new ArrayList<>();
    for (Alert alert : transitions) {
      if (alert.getState() == AlertState.FIRING && backfill) {
        past.hold(alert);
      } else if (alert.getState() == AlertState.RESOLVED && past.isHeld(alert)) {
        told.add(past.toldAsPast(alert));
      } else {
        told.add(alert);
      }
    }
    if (!backfill) {
      // The data has caught up with the present and these still hold: they fire as usual, from when they started.
      for (Alert held : past.of(device)) {
        past.release(held);
        told.add(held);
      }
    }
    if (transitions.isEmpty() && told.isEmpty()) {
      return;
    }
    for (Alert alert : told) {
      if (journal != null) {
        journal.keep(alert);
      }
      context.forward(new Record<String, Object>(device, alert, timestamp), alertsChild);
    }
    health.alertsChanged(device, fleet, lifecycle.firingAlerts(device), DeviceOutliersStore.warnings(outliers, device), now)
        .ifPresent(h -> context.forward(new Record<String, Object>(device, h, timestamp), healthChild));
  }
}
