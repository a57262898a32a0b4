package io.fleetpulse.streams.journal;

import java.time.Duration;

/**
 * How much of each device's journal the topology keeps readable ({@code /api/v1/devices/{uuid}/journal}): its
 * last {@code lines} lines, and none older than {@code age} (by the collector's receive time), whichever keeps
 * fewer. {@code lines} 0 keeps none.
 */
public record JournalRetention(int lines, Duration age) {

  public static final JournalRetention DEFAULT = new JournalRetention(2_000, Duration.ofHours(24));

  public JournalRetention {
    if (lines < 0) {
      throw new IllegalArgumentException("journal lines kept must be 0 or more, got " + lines);
    }
    if (age.isNegative() || age.isZero()) {
      throw new IllegalArgumentException("journal age kept must be positive, got " + age);
    }
  }

  public boolean enabled() {
    return lines > 0;
  }
}
