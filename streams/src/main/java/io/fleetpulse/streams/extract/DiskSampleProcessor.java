package io.fleetpulse.streams.extract;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.DiskSample;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.streams.health.HealthBook;
import io.fleetpulse.streams.health.HealthChecks;
import io.fleetpulse.streams.time.EventTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Each df sample gives check_localdisk data; those the disk trend needs ({@link DiskSampleSpacing}) become DISK_SAMPLE
 * events, the trend's input.
 */
public final class DiskSampleProcessor implements Processor<String, DiskSample, String, Object> {

  private final String eventsChild;
  private final String healthChild;
  private ProcessorContext<String, Object> context;
  private HealthBook health;
  private final DiskSampleSpacing spacing;

  /** @param minFreeFraction free space under which every sample is an event (DISK_FILLING fires on it) */
  public DiskSampleProcessor(double minFreeFraction, String eventsChild, String healthChild) {
    this.spacing = new DiskSampleSpacing(minFreeFraction);
    this.eventsChild = eventsChild;
    this.healthChild = healthChild;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.health = HealthBook.of(context);
    health.refreshLastSeen(context, healthChild);
  }

  @Override
  public void process(Record<String, DiskSample> record) {
    DiskSample sample = record.value();
    var at = EventTime.plausible(sample.getAt(), sample.getReceivedAt());
    health.reported(sample.getDeviceUuid(), sample.getFleet(), List.of(HealthChecks.LOCALDISK), at)
        .ifPresent(h -> context.forward(record.<Object>withValue(h), healthChild));
    if (!spacing.files(sample, at)) {
      return;
    }
    Map<String, String> details = new HashMap<>();
    details.put("mount", sample.getMount());
    details.put("sizeBytes", Long.toString(sample.getSizeBytes()));
    details.put("usedBytes", Long.toString(sample.getUsedBytes()));
    details.put("availBytes", Long.toString(sample.getAvailBytes()));
    details.put("source", sample.getSource());
    String summary = String.format("%s: %d of %d MB used, %d MB available", sample.getMount(),
        sample.getUsedBytes() >> 20, sample.getSizeBytes() >> 20, sample.getAvailBytes() >> 20);
    DeviceEvent event = DeviceEvent.newBuilder()
        .setDeviceUuid(sample.getDeviceUuid())
        .setFleet(sample.getFleet())
        .setKind(EventKind.DISK_SAMPLE)
        .setAt(at)
        .setUnit(null)
        .setSummary(summary)
        .setDetails(details)
        .setBootId(null)
        .setSeqnum(null)
        .setReceivedAt(sample.getReceivedAt())
        .build();
    context.forward(record.<Object>withValue(event), eventsChild);
  }
}
