package io.fleetpulse.streams.software;

import io.fleetpulse.schemas.DeviceFacts;
import io.fleetpulse.streams.health.HealthBook;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Keeps each device's software in its health ({@code software}: OS, supervisor, app release, since when), from the
 * facts it pushes or the collector reads, and from its supervisor's start lines. Every change is a version of the
 * health history, so what a device ran at any time stays answerable.
 */
public final class DeviceSoftwareProcessor implements Processor<String, DeviceFacts, String, Object> {

  private ProcessorContext<String, Object> context;
  private HealthBook health;

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.health = HealthBook.of(context);
  }

  @Override
  public void process(Record<String, DeviceFacts> record) {
    health.softwareReported(record.value()).ifPresent(changed -> context.forward(record.<Object>withValue(changed)));
  }
}
