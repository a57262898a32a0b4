package io.fleetpulse.api.notify;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * How far a route got in one partition of {@code fleet.alerts} while its lanes deliver out of order: the alerts
 * read but not delivered yet (with when each was raised). Its commit is the oldest of them, and its metadata
 * names the others still due, so a restart sends exactly those again: every alert read after the committed
 * offset and not named was delivered (or dead-lettered, or not for this route) before the restart.
 */
final class OffsetProgress {

  /**
   * Kafka keeps up to 4 KiB of commit metadata by default; twice this many offsets fit in it (those due now, and
   * those still due from the commit resumed from), and a partition pauses beyond.
   */
  static final int MAX_DUE = 200;
  private static final String PREFIX = "due:";

  /** Offset → when its alert was raised, of the alerts handed to a lane and not done yet. */
  private final TreeMap<Long, Long> due = new TreeMap<>();
  /** The offset after the last one read. */
  private long next;
  /** From the commit this partition resumed from: the offsets below {@link #doneBelow} that were still due then. */
  private final Set<Long> dueAtResume;
  private final long doneBelow;

  private OffsetProgress(long next, Set<Long> dueAtResume, long doneBelow) {
    this.next = next;
    this.dueAtResume = dueAtResume;
    this.doneBelow = doneBelow;
  }

  /** Resumes from the route's committed offset (null: never committed) and what its metadata says was still due. */
  static OffsetProgress resume(OffsetAndMetadata committed) {
    if (committed == null) {
      return new OffsetProgress(0, Set.of(), 0);
    }
    String metadata = committed.metadata();
    if (metadata == null || !metadata.startsWith(PREFIX)) {
      return new OffsetProgress(committed.offset(), Set.of(), committed.offset());
    }
    String[] parts = metadata.substring(PREFIX.length()).split(";", -1);
    long base = committed.offset();
    long readUpTo = base + Long.parseLong(parts[0]);
    Set<Long> stillDue = new HashSet<>();
    if (parts.length > 1 && !parts[1].isEmpty()) {
      for (String delta : parts[1].split(",")) {
        stillDue.add(base + Long.parseLong(delta));
      }
    }
    stillDue.add(base); // the committed offset itself is always the oldest still due
    return new OffsetProgress(base, stillDue, readUpTo);
  }

  /** Whether the alert at {@code offset} was delivered (or found not to need it) before the route restarted. */
  boolean doneBeforeResume(long offset) {
    return offset < doneBelow && !dueAtResume.contains(offset);
  }

  void read(long offset) {
    next = Math.max(next, offset + 1);
  }

  void handedToLane(long offset, long raisedAt) {
    due.put(offset, raisedAt);
  }

  void done(long offset) {
    due.remove(offset);
  }

  /** Alerts handed to lanes and not done yet. */
  int dueCount() {
    return due.size();
  }

  /** When the oldest alert not delivered yet was raised; 0 if none. */
  long oldestDueRaisedAt() {
    return due.values().stream().min(Long::compare).orElse(0L);
  }

  /**
   * What to commit: the oldest offset still due (or the next to read), the others still due as deltas from it,
   * and how far was read. While the offsets of the commit this partition resumed from are being read again,
   * those still due then and not read yet stay named, so a second restart loses nothing of the first.
   */
  OffsetAndMetadata commit() {
    TreeSet<Long> stillDue = new TreeSet<>(due.keySet());
    dueAtResume.stream().filter(offset -> offset >= next).forEach(stillDue::add);
    long readUpTo = Math.max(next, doneBelow);
    if (stillDue.isEmpty()) {
      return new OffsetAndMetadata(readUpTo, PREFIX + "0;");
    }
    long base = stillDue.first();
    StringBuilder deltas = new StringBuilder();
    for (long offset : stillDue.tailSet(base, false)) {
      deltas.append(deltas.isEmpty() ? "" : ",").append(offset - base);
    }
    return new OffsetAndMetadata(base, PREFIX + (readUpTo - base) + ";" + deltas);
  }
}
