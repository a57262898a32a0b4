package io.fleetpulse.api.metrics;

import io.fleetpulse.api.fleet.LocalFleetState;
import io.fleetpulse.api.fleet.PartitionScope;
import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.HealthCheck;
import io.fleetpulse.schemas.Status;
import io.fleetpulse.streams.alerts.FiringAlertCounts;
import io.fleetpulse.streams.health.HealthCounts;
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
  /** Devices read from the status index at a time. */
  private static final int INDEX_PAGE = 500;

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

  /**
   * From the counters the topology keeps ({@link HealthCounts}, {@link io.fleetpulse.streams.alerts.FiringAlertCounts})
   * and, for the per-device series, the status index read as far as the cap goes: every few seconds, a refresh
   * must cost what fails, not the fleet.
   */
  private void update() {
    Map<Tags, Integer> byStatus = new HashMap<>();
    Map<Tags, Integer> byCheck = new HashMap<>();
    long failingPairs = 0;
    for (Map.Entry<String, Long> counter : state.healthCounts(ownedHere).entrySet()) {
      String key = counter.getKey();
      if (!key.startsWith(HealthCounts.FLEET)) {
        continue;
      }
      String fleet = key.substring(HealthCounts.FLEET.length(), key.lastIndexOf('|'));
      String what = key.substring(key.lastIndexOf('|') + 1);
      if (what.startsWith(HealthCounts.STATUS)) {
        byStatus.merge(Tags.of("fleet", fleet, "status", what.substring(HealthCounts.STATUS.length())), counter.getValue().intValue(),
            Integer::sum);
      } else if (what.startsWith(HealthCounts.FAILING)) {
        byCheck.merge(Tags.of("fleet", fleet, "check", what.substring(HealthCounts.FAILING.length())), counter.getValue().intValue(),
            Integer::sum);
        failingPairs += counter.getValue();
      }
    }
    Map<Tags, Integer> byKind = new HashMap<>();
    state.firingAlertCounts(ownedHere).forEach((key, count) -> byKind.merge(Tags.of("fleet", FiringAlertCounts.fleet(key),
        "kind", FiringAlertCounts.kind(key), "severity", FiringAlertCounts.severity(key)), count.intValue(), Integer::sum));
    List<MultiGauge.Row<?>> perDevice = failingDeviceRows();
    devices.register(rows(byStatus), true);
    failingChecks.register(rows(byCheck), true);
    firingAlerts.register(rows(byKind), true);
    failingDevices.register(perDevice, true);
    dropped = (int) Math.max(0, failingPairs - perDevice.size());
  }

  /** One row per failing or warning check of the FAIL devices, then of the WARN ones, up to the cap. */
  private List<MultiGauge.Row<?>> failingDeviceRows() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (Status status : List.of(Status.FAIL, Status.WARN)) {
      String cursor = null;
      while (rows.size() < perDeviceCap) {
        List<DeviceHealth> page = state.devicesAfter(ownedHere, status, cursor, any -> true, INDEX_PAGE);
        for (DeviceHealth health : page) {
          for (HealthCheck check : health.getChecks()) {
            if ((check.getStatus() == Status.FAIL || check.getStatus() == Status.WARN) && rows.size() < perDeviceCap) {
              rows.add(MultiGauge.Row.of(Tags.of("device", health.getDeviceUuid(), "fleet", health.getFleet(), "check", check.getName()), 1));
            }
          }
        }
        if (page.size() < INDEX_PAGE) {
          break;
        }
        cursor = page.get(page.size() - 1).getDeviceUuid();
      }
    }
    return rows;
  }

  private static List<MultiGauge.Row<?>> rows(Map<Tags, Integer> counts) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    counts.forEach((tags, count) -> rows.add(MultiGauge.Row.of(tags, count)));
    return rows;
  }
}
