package io.fleetpulse.streams;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.collector.journal.JournalEntryNormalizer;
import io.fleetpulse.collector.journal.JournalJsonParser;
import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.journal.MalformedEntryException;
import io.fleetpulse.schemas.JournalEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** {@code journalctl -o json} lines as the streams see them: parsed and normalised by the collector's own code. */
public final class CollectedEntries {

  private static final JournalJsonParser PARSER = new JournalJsonParser(JournalLimits.DEFAULT);
  private static final JournalEntryNormalizer NORMALIZER = new JournalEntryNormalizer();

  private CollectedEntries() {}

  /** One line a device pushed to {@code /entries}, received at {@code receivedAt}. */
  public static JournalEntry pushed(String jsonLine, String device, String fleet, Instant receivedAt) throws MalformedEntryException {
    byte[] bytes = jsonLine.getBytes(StandardCharsets.UTF_8);
    return NORMALIZER.normalize(PARSER.parse(bytes, 0, bytes.length), new DeviceRef(device, fleet), receivedAt, "push-json");
  }
}
