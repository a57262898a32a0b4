package io.fleetpulse.streams.alerts;

import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.RestartOutlier;
import io.fleetpulse.streams.health.DeviceOutliersStore;
import io.fleetpulse.streams.health.HealthBook;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The device end of the fleet's restart-outlier verdicts ({@code fleet.outliers}, keyed by device): keeps
 * the live ones in {@link DeviceOutliersStore} and re-judges the device's health with them and its
 * firing alerts, the same way {@link DeviceAlertsProcessor} does when an alert moves.
 */
public final class OutlierWarningsProcessor implements Processor<String, RestartOutlier, String, DeviceHealth> {

  private ProcessorContext<String, DeviceHealth> context;
  private KeyValueStore<String, RestartOutlier> outliers;
  private AlertLifecycle lifecycle;
  private HealthBook health;

  @Override
  public void init(ProcessorContext<String, DeviceHealth> context) {
    this.context = context;
    this.outliers = context.getStateStore(DeviceOutliersStore.NAME);
    this.lifecycle = AlertLifecycle.of(context);
    this.health = HealthBook.of(context);
  }

  @Override
  public void process(Record<String, RestartOutlier> record) {
    RestartOutlier verdict = record.value();
    String device = record.key();
    String key = DeviceOutliersStore.key(device, verdict.getCheck());
    if (verdict.getOutlier()) {
      outliers.put(key, verdict);
    } else {
      outliers.delete(key);
    }
    health.alertsChanged(device, verdict.getFleet(), lifecycle.firingAlerts(device), DeviceOutliersStore.warnings(outliers, device), verdict.getAt())
        .ifPresent(h -> context.forward(new Record<>(device, h, record.timestamp())));
  }
}
