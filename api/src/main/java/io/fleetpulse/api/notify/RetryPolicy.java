package io.fleetpulse.api.notify;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter" (a random wait between half and all of the doubled delay), capped, for a bounded number of attempts. A receiver's own
 * Retry-After (429, 503) wins over the computed delay, within the cap.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {


  public RetryPolicy {
    if (maxAttempts < 1 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("retry policy needs maxAttempts >= 1 and 0 <= initialBackoff <= maxBackoff");
    }
  }

  /** The wait before attempt {@code attempt + 1}, after {@code attempt} (1-based) failed. */
  public Duration delayAfter(int attempt, Duration retryAfter) {
    if (retryAfter != null) {
      return retryAfter.compareTo(maxBackoff) > 0 ? maxBackoff : retryAfter;
    }
    long ceiling = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(attempt - 1, 30));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
  }
}
