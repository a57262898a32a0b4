package io.fleetpulse.streams.journal;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.streams.time.EventTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where in a device's journal a reader starts: a time, and optionally the message of the line to find near it (an
 * alert's first evidence line, cut with "…" when it was long).
 */
public record JournalAnchor(Instant at, Optional<String> message) {

  /** An alert's: its first evidence line, near when it started. */
  public static JournalAnchor of(Alert alert) {
    return new JournalAnchor(alert.getStartedAt(), alert.getEvidence().stream().findFirst());
  }

  /**
   * The index in {@code lines} (in the device's order) of the line with the anchor's message nearest to its time;
   * without a message or such a line, the first line at or after its time; past the end, the end.
   */
  public int indexIn(List<StoredJournal.Line> lines) {
    if (message.isPresent()) {
      int best = -1;
      long bestDistance = Long.MAX_VALUE;
      for (int i = 0; i < lines.size(); i++) {
        if (isEvidence(message.get(), lines.get(i).entry().getMessage())) {
          long distance = Math.abs(EventTime.of(lines.get(i).entry()).toEpochMilli() - at.toEpochMilli());
          if (distance < bestDistance) {
            best = i;
            bestDistance = distance;
          }
        }
      }
      if (best >= 0) {
        return best;
      }
    }
    for (int i = 0; i < lines.size(); i++) {
      if (!EventTime.of(lines.get(i).entry()).isBefore(at)) {
        return i;
      }
    }
    return lines.size();
  }

  private static boolean isEvidence(String evidence, String message) {
    if (message == null) {
      return false;
    }
    return evidence.endsWith("…") ? message.startsWith(evidence.substring(0, evidence.length() - 1)) : evidence.equals(message);
  }
}
