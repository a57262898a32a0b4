package io.fleetpulse.streams.software;

import io.fleetpulse.schemas.DeviceFacts;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.extract.Keywords;
import io.fleetpulse.streams.time.EventTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The balena supervisor says its version each time it starts ({@code Supervisor v14.11.2 starting up...}): that is a
 * fact about the device for free, on every device, without the device reporting facts itself.
 */
public final class SupervisorStartLine implements Processor<String, JournalEntry, String, DeviceFacts> {

  private static final Keywords KEYWORDS = Keywords.anyOf("starting up");
  private static final Pattern START = Pattern.compile("\\bSupervisor v(\\d+\\.\\d+\\.\\d+[0-9A-Za-z.+-]*) starting up");

  private ProcessorContext<String, DeviceFacts> context;

  @Override
  public void init(ProcessorContext<String, DeviceFacts> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, JournalEntry> record) {
    JournalEntry entry = record.value();
    String message = entry.getMessage();
    if (message == null || !fromSupervisor(entry) || !KEYWORDS.foundIn(message)) {
      return;
    }
    Matcher version = START.matcher(message);
    if (version.find()) {
      context.forward(record.withValue(DeviceFacts.newBuilder()
          .setDeviceUuid(entry.getDeviceUuid())
          .setFleet(entry.getFleet())
          .setSupervisor(version.group(1))
          .setSource("journal")
          .setAt(EventTime.of(entry))
          .build()));
    }
  }

  private static boolean fromSupervisor(JournalEntry entry) {
    return "balena-supervisor".equals(Topics.canonicalUnitShortName(entry.getUnit()))
        || "balena-supervisor".equals(Topics.canonicalUnitShortName(entry.getSyslogIdentifier()));
  }
}
