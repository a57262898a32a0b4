package io.fleetpulse.collector.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeviceRateLimiterTest {

  private final AtomicLong now = new AtomicLong();

  @Test
  void aDeviceInDebtWaitsUntilItIsPaidBackAndOthersDoNot() {
    DeviceRateLimiter limiter = new DeviceRateLimiter(new RateLimitSettings(100, 1_000_000, 2), now::get);

    limiter.charge("flood", 500, 1_000);

    assertThat(limiter.waitBeforeNextPush("flood")).isBetween(Duration.ofMillis(3000), Duration.ofMillis(3020));
    assertThat(limiter.waitBeforeNextPush("quiet")).isZero();
    now.addAndGet(Duration.ofSeconds(3).plusMillis(20).toNanos());
    assertThat(limiter.waitBeforeNextPush("flood")).isZero();
  }

  @Test
  void bytesAreLimitedToo() {
    DeviceRateLimiter limiter = new DeviceRateLimiter(new RateLimitSettings(0, 1_000, 1), now::get);

    limiter.charge("big", 1, 1_000);
    assertThat(limiter.waitBeforeNextPush("big")).isPositive();
    now.addAndGet(Duration.ofMillis(10).toNanos());
    assertThat(limiter.waitBeforeNextPush("big")).isZero();
  }

  @Test
  void unlimitedKeepsNoState() {
    DeviceRateLimiter limiter = new DeviceRateLimiter(RateLimitSettings.UNLIMITED, now::get);
    limiter.charge("any", 1_000_000, 1L << 40);
    assertThat(limiter.waitBeforeNextPush("any")).isZero();
  }
}
