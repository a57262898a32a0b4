package io.fleetpulse.streams;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.collector.journal.JournalEntryNormalizer;
import io.fleetpulse.collector.journal.JournalJsonParser;
import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.journal.MalformedEntryException;
import io.fleetpulse.kafka.JournalFixtures;
import io.fleetpulse.schemas.JournalEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The masterclass's journal excerpts as the streams see them: parsed and normalised by the collector's
 * own code, for one device, received at a given time.
 */
public final class MasterclassJournal {

  private MasterclassJournal() {}

  public static List<JournalEntry> entries(String fixture, String device, Instant receivedAt) {
    JournalJsonParser parser = new JournalJsonParser(JournalLimits.DEFAULT);
    JournalEntryNormalizer normalizer = new JournalEntryNormalizer();
    List<JournalEntry> entries = new ArrayList<>();
    for (String line : JournalFixtures.masterclass(fixture).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      try {
        entries.add(normalizer.normalize(parser.parse(bytes, 0, bytes.length), new DeviceRef(device, "harbor"), receivedAt, "push-json"));
      } catch (MalformedEntryException e) {
        throw new IllegalStateException("fixture " + fixture + " has a malformed line: " + e.getMessage(), e);
      }
    }
    return entries;
  }
}
