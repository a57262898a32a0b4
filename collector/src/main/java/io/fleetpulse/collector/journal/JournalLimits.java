package io.fleetpulse.collector.journal;

/**
 * Size limits on what a device may send, so one bad or hostile sender cannot exhaust memory.
 * The defaults are generous for journald (whose own field limit is 64 MiB, but real entries are
 * a few hundred bytes; binary container output rarely exceeds a few KiB).
 */
public record JournalLimits(int maxFieldBytes, int maxEntryBytes, int maxFieldsPerEntry, long maxRequestBytes) {

  public static final JournalLimits DEFAULT = new JournalLimits(64 * 1024, 256 * 1024, 256, 64L * 1024 * 1024);

  public JournalLimits {
    if (maxFieldBytes <= 0 || maxEntryBytes < maxFieldBytes || maxFieldsPerEntry <= 0 || maxRequestBytes < maxEntryBytes) {
      throw new IllegalArgumentException("journal limits must be positive, field <= entry <= request: " + this);
    }
  }
}
