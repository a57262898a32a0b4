package io.fleetpulse.streams.extract;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.boots.BootWatch;
import io.fleetpulse.streams.health.HealthBook;
import io.fleetpulse.streams.health.HealthChecks;
import io.fleetpulse.streams.rules.Rule;
import io.fleetpulse.streams.rules.RuleEvents;
import io.fleetpulse.streams.rules.RuleSet;
import io.fleetpulse.streams.rules.RulesInForce;
import io.fleetpulse.streams.time.DeviceClocks;
import io.fleetpulse.streams.time.SpokenDuration;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The head of the pipeline, once per journal entry: place it in time ({@link DeviceClocks}), turn it
 * into events ({@link EventExtractor}, and the users' rules in force) plus a journal-clock TIME_JUMP when the
 * entry reveals a step, notice new boots and why the device rebooted ({@link BootWatch}), and note that the device is
 * reporting on the checks its unit feeds.
 */
public final class JournalProcessor implements Processor<String, JournalEntry, String, Object> {

  private final EventExtractor extractor;
  private final RulesInForce rules;
  private final Duration clockStep;
  private final BootSync bootSync;
  private final String eventsChild;
  private final String healthChild;
  private ProcessorContext<String, Object> context;
  private DeviceClocks clocks;
  private BootWatch boots;
  private HealthBook health;

  public JournalProcessor(EventExtractor extractor, RulesInForce rules, Duration clockStep, BootSync bootSync, String eventsChild,
                          String healthChild) {
    this.extractor = extractor;
    this.rules = rules;
    this.clockStep = clockStep;
    this.bootSync = bootSync;
    this.eventsChild = eventsChild;
    this.healthChild = healthChild;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.clocks = new DeviceClocks(context.getStateStore(DeviceClocks.STORE), clockStep);
    this.boots = new BootWatch(context.getStateStore(BootWatch.STORE));
    boots.init();
    // A reboot is judged once its new boot has settled; a device that falls quiet before that is judged by the clock.
    context.schedule(BootWatch.SETTLE.dividedBy(4), PunctuationType.WALL_CLOCK_TIME,
        now -> boots.judgeSettled(now).forEach(reboot -> context.forward(new Record<>(reboot.getDeviceUuid(), (Object) reboot, now), eventsChild)));
    this.health = HealthBook.of(context);
    health.refreshLastSeen(context, healthChild);
  }

  @Override
  public void process(Record<String, JournalEntry> record) {
    JournalEntry entry = record.value();
    DeviceClocks.Placement placement = clocks.place(entry);
    placement.step().ifPresent(step -> forwardEvent(record, bootSync.tag(placement.stepAfterMonoUs(),
        clockStepEvent(entry, placement.at(), step))));
    List<DeviceEvent> events = extractor.extract(entry, placement.at());
    for (DeviceEvent event : events) {
      forwardEvent(record, bootSync.tag(entry.getMonotonicUs(), event));
    }
    for (DeviceEvent reboot : boots.see(entry, placement.at(), events, context.currentSystemTimeMs())) {
      forwardEvent(record, reboot);
    }
    RuleSet inForce = rules.current();
    for (Rule.Hit hit : inForce.match(entry)) {
      forwardEvent(record, RuleEvents.of(entry, placement.at(), hit, inForce.version()));
    }
    health.reported(entry.getDeviceUuid(), entry.getFleet(), HealthChecks.fedBy(entry.getUnit()), placement.at())
        .ifPresent(h -> context.forward(record.<Object>withValue(h), healthChild));
  }

  private void forwardEvent(Record<String, JournalEntry> record, DeviceEvent event) {
    context.forward(record.<Object>withValue(event), eventsChild);
  }

  private static DeviceEvent clockStepEvent(JournalEntry entry, Instant at, Duration step) {
    double seconds = step.toMillis() / 1000.0;
    Map<String, String> details = new HashMap<>();
    details.put("seconds", String.format("%.3f", seconds));
    details.put("source", "journal-clock");
    details.put("direction", seconds < 0 ? "-" : "+");
    String summary = "system clock stepped " + SpokenDuration.step(seconds)
        + (entry.getRealtimeUs() == null ? "" : " (to " + SpokenDuration.wallClock(Instant.ofEpochMilli(entry.getRealtimeUs() / 1000)) + ")")
        + ", seen in the journal (realtime vs monotonic)";
    return DeviceEvent.newBuilder()
        .setDeviceUuid(entry.getDeviceUuid())
        .setFleet(entry.getFleet())
        .setKind(EventKind.TIME_JUMP)
        .setAt(at)
        .setUnit(entry.getUnit())
        .setSummary(summary)
        .setDetails(details)
        .setBootId(entry.getBootId())
        .setSeqnum(entry.getSeqnum())
        .setReceivedAt(entry.getReceivedAt())
        .build();
  }
}
