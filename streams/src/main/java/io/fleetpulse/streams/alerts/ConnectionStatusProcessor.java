package io.fleetpulse.streams.alerts;

import io.fleetpulse.schemas.DeviceStatus;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the collector's latest status per device. Being unreachable is a matter of time passing with
 * no news, so {@link DeviceAlertsProcessor} judges it on its wall-clock round, not here.
 */
public final class ConnectionStatusProcessor implements Processor<String, DeviceStatus, Void, Void> {

  private KeyValueStore<String, DeviceStatus> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(DeviceConnectionsStore.NAME);
  }

  @Override
  public void process(Record<String, DeviceStatus> record) {
    DeviceStatus latest = store.get(record.key());
    if (latest == null || !record.value().getAt().isBefore(latest.getAt())) {
      store.put(record.key(), record.value());
    }
  }
}
