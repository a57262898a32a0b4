package io.fleetpulse.collector.ratelimit;

/**
 * A token bucket that may go into debt: a request already being read is never cut in half, but what
 * it took beyond the tokens available keeps its sender out until the debt is paid back.
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

  synchronized void take(double amount, long nowNanos) {
    refill(nowNanos);
    tokens -= amount;
  }

  /** 0 when tokens are available, else how long until they are. */
  synchronized long nanosUntilAvailable(long nowNanos) {
    refill(nowNanos);
    return tokens > 0 ? 0 : (long) Math.ceil((1 - tokens) / perSecond * 1e9);
  }

  private void refill(long nowNanos) {
    tokens = Math.min(capacity, tokens + (nowNanos - refilledAtNanos) / 1e9 * perSecond);
    refilledAtNanos = nowNanos;
  }
}
