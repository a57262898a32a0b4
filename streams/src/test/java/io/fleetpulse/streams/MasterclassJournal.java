package io.fleetpulse.streams;

import io.fleetpulse.collector.journal.MalformedEntryException;
import io.fleetpulse.kafka.JournalFixtures;
import io.fleetpulse.schemas.JournalEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The masterclass's journal excerpts as the streams see them ({@link CollectedEntries}), for one device,
 * received at a given time.
 */
public final class MasterclassJournal {

  private MasterclassJournal() {}

  public static List<JournalEntry> entries(String fixture, String device, Instant receivedAt) {
    List<JournalEntry> entries = new ArrayList<>();
    for (String line : JournalFixtures.masterclass(fixture).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        entries.add(CollectedEntries.pushed(line, device, "harbor", receivedAt));
      } catch (MalformedEntryException e) {
        throw new IllegalStateException("fixture " + fixture + " has a malformed line: " + e.getMessage(), e);
      }
    }
    return entries;
  }
}
