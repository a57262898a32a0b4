package io.fleetpulse.api.metrics;

import io.fleetpulse.api.fleet.LocalFleetState;
import io.fleetpulse.api.fleet.PartitionScope;
import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.HealthCheck;
import io.fleetpulse.schemas.Status;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fleet-level gauges for SRE dashboards, refreshed from this instance's stores on a timer:
 * {@code fleetpulse_devices{fleet,status}}, {@code fleetpulse_devices_failing{fleet,check}},
 * {@code fleetpulse_alerts_firing{fleet,kind,severity}} (fleets are few, so these stay small), and one {@code fleetpulse_device_failing{device,fleet,check}}
 * series per failing check of a failing device, capped so a 100k-device fleet cannot explode
 * cardinality ({@code fleetpulse_device_failing_dropped} counts what the cap left out).
 *
 * <p>Each instance reports its own partitions; sum across instances in PromQL.
 */
public final class FleetGauges {

  private static final Logger log = LoggerFactory.getLogger(FleetGauges.class);

  private final Vertx vertx;
  private final LocalFleetState state;
  /** This instance's own partitions: each instance exports its share, and Prometheus sums them. */
  private final PartitionScope ownedHere;
  private final int perDeviceCap;
  private final MultiGauge devices;
  private final MultiGauge failingChecks;
  private final MultiGauge firingAlerts;
  private final MultiGauge failingDevices;
  private volatile int dropped;
  private long timer = -1;

  public FleetGauges(Vertx vertx, LocalFleetState state, PartitionScope ownedHere, MeterRegistry registry, int perDeviceCap) {
    this.vertx = vertx;
    this.state = state;
    this.ownedHere = ownedHere;
    this.perDeviceCap = perDeviceCap;
    this.devices = MultiGauge.builder("fleetpulse.devices").description("Devices by health status").register(registry);
    this.failingChecks = MultiGauge.builder("fleetpulse.devices.failing").description("Devices whose check is WARN or FAIL")
        .register(registry);
    this.firingAlerts = MultiGauge.builder("fleetpulse.alerts.firing").description("Firing alerts by kind and severity")
        .register(registry);
    this.failingDevices = MultiGauge.builder("fleetpulse.device.failing")
        .description("1 per failing check of a failing device (capped)").register(registry);
    Gauge.builder("fleetpulse.device.failing.dropped", this, gauges -> gauges.dropped)
        .description("Failing checks left out of fleetpulse_device_failing by the per-device series cap").register(registry);
  }

  public FleetGauges start(Duration every) {
    refresh();
    timer = vertx.setPeriodic(every.toMillis(), id -> refresh());
    return this;
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void refresh() {
    vertx.executeBlocking(() -> {
      update();
      return null;
    }, false).onFailure(error -> {
      if (!(error instanceof InvalidStateStoreException)) {
        log.warn("Could not refresh fleet gauges: {}", error.toString());
      }
    });
  }

  private void update() {
    Map<Tags, Integer> byStatus = new HashMap<>();
    Map<Tags, Integer> byCheck = new HashMap<>();
    List<MultiGauge.Row<?>> perDevice = new ArrayList<>();
    int[] over = {0};
    state.forEachDevice(ownedHere, health -> {
      byStatus.merge(Tags.of("fleet", health.getFleet(), "status", health.getStatus().name()), 1, Integer::sum);
      for (HealthCheck check : health.getChecks()) {
        if (check.getStatus() == Status.FAIL || check.getStatus() == Status.WARN) {
          byCheck.merge(Tags.of("fleet", health.getFleet(), "check", check.getName()), 1, Integer::sum);
          if (perDevice.size() < perDeviceCap) {
            perDevice.add(MultiGauge.Row.of(Tags.of("device", health.getDeviceUuid(), "fleet", health.getFleet(), "check", check.getName()), 1));
          } else {
            over[0]++;
          }
        }
      }
    });
    Map<Tags, Integer> byKind = new HashMap<>();
    for (Alert alert : state.alerts(ownedHere)) {
      if (alert.getState() == AlertState.FIRING) {
        byKind.merge(Tags.of("fleet", alert.getFleet(), "kind", alert.getKind().name(), "severity", alert.getSeverity().name()), 1,
            Integer::sum);
      }
    }
    devices.register(rows(byStatus), true);
    failingChecks.register(rows(byCheck), true);
    firingAlerts.register(rows(byKind), true);
    failingDevices.register(perDevice, true);
    dropped = over[0];
  }

  private static List<MultiGauge.Row<?>> rows(Map<Tags, Integer> counts) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    counts.forEach((tags, count) -> rows.add(MultiGauge.Row.of(tags, count)));
    return rows;
  }
}
