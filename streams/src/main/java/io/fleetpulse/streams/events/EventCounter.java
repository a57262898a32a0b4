package io.fleetpulse.streams.events;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts the device events on their way to {@code fleet.events}, by kind ({@code fleetpulse_events_total}),
 * for SRE dashboards (a retried transaction may count an event twice; counters are for rates, not audits), and
 * per fleet, kind and hour in {@link FleetEventCounts}, in the same transactions as the events.
 */
public final class EventCounter implements Processor<String, DeviceEvent, String, DeviceEvent> {

  private final Map<EventKind, Counter> byKind = new EnumMap<>(EventKind.class);
  private ProcessorContext<String, DeviceEvent> context;
  private FleetEventCounts perHour;

  public EventCounter(MeterRegistry registry) {
    for (EventKind kind : EventKind.values()) {
      byKind.put(kind, Counter.builder("fleetpulse.events").description("Device events extracted from journals and metrics, by kind")
          .tag("kind", kind.name()).register(registry));
    }
  }

  @Override
  public void init(ProcessorContext<String, DeviceEvent> context) {
    this.context = context;
    this.perHour = new FleetEventCounts(context.getStateStore(FleetEventCounts.NAME));
  }

  @Override
  public void process(Record<String, DeviceEvent> record) {
    byKind.get(record.value().getKind()).increment();
    perHour.count(record.value());
    context.forward(record);
  }
}
