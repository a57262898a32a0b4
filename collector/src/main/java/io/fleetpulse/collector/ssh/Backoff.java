package io.fleetpulse.collector.ssh;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter: the n-th consecutive failure waits between half and all of
 * {@code min(max, initial * 2^(n-1))}. The jitter keeps thousands of devices that dropped together
 * (a proxy restart, a collector restart) from reconnecting in lockstep.
 */
public record Backoff(Duration initial, Duration max) {

  public Backoff {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
    }
  }

  public Duration delay(int failures) {
    long ceiling = max.toMillis();
    long exponential = initial.toMillis() << Math.min(Math.max(failures - 1, 0), 30);
    long capped = exponential <= 0 || exponential > ceiling ? ceiling : exponential;
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }
}
