package io.fleetpulse.collector.ratelimit;

/**
 * A token bucket. Entries are taken one by one and only while tokens last ({@link #tryTake}); bytes are
 * charged per chunk read and may go into debt ({@link #take}), which keeps the sender out until it is
 * paid back.
 */
final class TokenBucket {

  private final double perSecond;
  private final double capacity;
  private double tokens;
  private long refilledAtNanos;

  TokenBucket(double perSecond, double capacity, long nowNanos) {
    this.perSecond = perSecond;
    this.capacity = capacity;
    this.tokens = capacity;
    this.refilledAtNanos = nowNanos;
  }

  /** Takes {@code amount} even past what is available; true while the bucket is not in debt. */
  synchronized boolean take(double amount, long nowNanos) {
    refill(nowNanos);
    tokens -= amount;
    return tokens >= 0;
  }

  /** Takes {@code amount} only if that many tokens are available. */
  synchronized boolean tryTake(double amount, long nowNanos) {
    refill(nowNanos);
    if (tokens < amount) {
      return false;
    }
    tokens -= amount;
    return true;
  }

  /** 0 when tokens are available, else how long until they are. */
  synchronized long nanosUntilAvailable(long nowNanos) {
    refill(nowNanos);
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perSecond * 1e9);
  }

  /** True when the bucket holds all it can: its owner has been quiet long enough to be forgotten. */
  synchronized boolean isFull(long nowNanos) {
    refill(nowNanos);
    return tokens >= capacity;
  }

  private void refill(long nowNanos) {
    tokens = Math.min(capacity, tokens + (nowNanos - refilledAtNanos) / 1e9 * perSecond);
    refilledAtNanos = nowNanos;
  }
}
