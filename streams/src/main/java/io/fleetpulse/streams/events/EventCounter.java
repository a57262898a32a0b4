package io.fleetpulse.streams.events;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.streams.rules.RuleEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts the device events on their way to {@code fleet.events}, by kind ({@code fleetpulse_events_total}) and a
 * user rule's by rule ({@code fleetpulse_rule_matches_total}),
 * for SRE dashboards (a retried transaction may count an event twice; counters are for rates, not audits), and
 * per fleet, kind and hour in {@link FleetEventCounts}, in the same transactions as the events.
 */
public final class EventCounter implements Processor<String, DeviceEvent, String, DeviceEvent> {

  private final Map<EventKind, Counter> byKind = new EnumMap<>(EventKind.class);
  private final MeterRegistry registry;
  private ProcessorContext<String, DeviceEvent> context;
  private FleetEventCounts perHour;

  public EventCounter(MeterRegistry registry) {
    this.registry = registry;
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
    String rule = record.value().getKind() == EventKind.OTHER ? record.value().getDetails().get(RuleEvents.RULE) : null;
    if (rule != null) {
      Counter.builder("fleetpulse.rule.matches").description("Journal lines a user rule matched, by rule").tag("rule", rule)
          .register(registry).increment();
    }
    perHour.count(record.value());
    context.forward(record);
  }
}
