package io.fleetpulse.collector.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * New connections per client address and second: a client reconnecting in a tight loop (a device's broken retry
 * loop, a misconfigured proxy) is refused at the door, before it costs a TLS handshake or a request, while the
 * other addresses go on. {@value #BURST_SECONDS} seconds' worth may come at once (a site behind one carrier NAT
 * reconnecting after an outage). Addresses whose budget is full again are forgotten, so a flood from many
 * addresses does not grow the table for good.
 */
public final class ConnectionRateLimiter {

  static final int BURST_SECONDS = 10;
  private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final double perSecond;
  private final LongSupplier nanoClock;
  private final Map<String, TokenBucket> byAddress = new ConcurrentHashMap<>();
  private final AtomicLong sweptAt;

  /** @param perSecond new connections per address and second (0 = unlimited) */
  public ConnectionRateLimiter(double perSecond) {
    this(perSecond, System::nanoTime);
  }

  ConnectionRateLimiter(double perSecond, LongSupplier nanoClock) {
    if (perSecond < 0) {
      throw new IllegalArgumentException("new connections per second must not be negative: " + perSecond);
    }
    this.perSecond = perSecond;
    this.nanoClock = nanoClock;
    this.sweptAt = new AtomicLong(nanoClock.getAsLong());
  }

  /** Takes one new connection from {@code address}'s budget; false (refuse it) when none is left. */
  public boolean tryConnect(String address) {
    if (perSecond == 0) {
      return true;
    }
    long now = nanoClock.getAsLong();
    sweep(now);
    return byAddress.computeIfAbsent(address, key -> new TokenBucket(perSecond, perSecond * BURST_SECONDS, now)).tryTake(1, now);
  }

  /** Addresses whose budget is tracked now. */
  int tracked() {
    return byAddress.size();
  }

  private void sweep(long now) {
    long last = sweptAt.get();
    if (now - last >= SWEEP_EVERY_NANOS && sweptAt.compareAndSet(last, now)) {
      byAddress.values().removeIf(bucket -> bucket.isFull(now));
    }
  }
}
