package io.fleetpulse.streams.alerts;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
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
 * on, every {@code round}.
 */
public final class DeviceAlertsProcessor implements Processor<String, DeviceEvent, String, Object> {

  private static final Set<AlertKind> EVENT_KINDS = EnumSet.complementOf(EnumSet.of(AlertKind.DEVICE_UNREACHABLE,
      AlertKind.FLEET_INCIDENT, AlertKind.OTHER));
  private static final Set<AlertKind> CONNECTION_KINDS = EnumSet.of(AlertKind.DEVICE_UNREACHABLE);

  private final DetectionSettings settings;
  private final Duration round;
  private final Detectors detectors;
  private final UnreachableDetector unreachable;
  private final String eventsChild;
  private final String alertsChild;
  private final String healthChild;
  private ProcessorContext<String, Object> context;
  private WindowStore<String, DeviceEvent> events;
  private KeyValueStore<String, DeviceStatus> connections;
  private KeyValueStore<String, RestartOutlier> outliers;
  private AlertLifecycle lifecycle;
  private HealthBook health;

  public DeviceAlertsProcessor(DetectionSettings settings, Duration round, String eventsChild, String alertsChild, String healthChild) {
    this.settings = settings;
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
    this.health = HealthBook.of(context);
    context.schedule(round, PunctuationType.WALL_CLOCK_TIME, now -> judgeAll(Instant.ofEpochMilli(now)));
  }

  @Override
  public void process(Record<String, DeviceEvent> record) {
    DeviceEvent event = record.value();
    events.put(record.key(), event, event.getAt().toEpochMilli());
    context.forward(record.<Object>withValue(event), eventsChild);
    judgeEvents(record.key(), event.getFleet(), event.getAt(), record.timestamp());
  }

  /**
   * Judges the device as of {@code at}, or as of its newest event if a later one is already filed: an
   * entry that arrives late (another unit's topic lagging, a backfill) joins the picture it belongs to
   * instead of rewinding the device's state to its own time.
   */
  private void judgeEvents(String device, String fleet, Instant at, long timestamp) {
    List<DeviceEvent> recent = new ArrayList<>();
    try (WindowStoreIterator<DeviceEvent> it = events.fetch(device, at.minus(settings.lookback()), at.plus(settings.lookback()))) {
      it.forEachRemaining(kv -> recent.add(kv.value));
    }
    Instant now = recent.isEmpty() || recent.get(recent.size() - 1).getAt().isBefore(at) ? at : recent.get(recent.size() - 1).getAt();
    List<Finding> findings = detectors.evaluate(recent, now);
    emit(device, fleet, lifecycle.reconcile(device, fleet, EVENT_KINDS, findings, now), now, timestamp);
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
      judgeEvents(device.getKey(), device.getValue(), now, now.toEpochMilli());
    }
    for (DeviceStatus status : statuses) {
      String device = status.getDeviceUuid();
      List<Finding> findings = unreachable.evaluate(status, now);
      emit(device, status.getFleet(), lifecycle.reconcile(device, status.getFleet(), CONNECTION_KINDS, findings, now), now, now.toEpochMilli());
    }
  }

  private void emit(String device, String fleet, List<Alert> transitions, Instant now, long timestamp) {
    if (transitions.isEmpty()) {
      return;
    }
    for (Alert alert : transitions) {
      context.forward(new Record<String, Object>(device, alert, timestamp), alertsChild);
    }
    health.alertsChanged(device, fleet, lifecycle.firingAlerts(device), DeviceOutliersStore.warnings(outliers, device), now)
        .ifPresent(h -> context.forward(new Record<String, Object>(device, h, timestamp), healthChild));
  }
}
