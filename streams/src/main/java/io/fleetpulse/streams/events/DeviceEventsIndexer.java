package io.fleetpulse.streams.events;

import io.fleetpulse.schemas.DeviceEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/** Files each event in {@link DeviceEventsStore} under its device, at its event time. */
public final class DeviceEventsIndexer implements Processor<String, DeviceEvent, Void, Void> {

  private WindowStore<String, DeviceEvent> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(DeviceEventsStore.NAME);
  }

  @Override
  public void process(Record<String, DeviceEvent> record) {
    store.put(record.key(), record.value(), record.value().getAt().toEpochMilli());
  }
}
