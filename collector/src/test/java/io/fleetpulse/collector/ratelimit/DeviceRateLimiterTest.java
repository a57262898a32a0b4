package io.fleetpulse.collector.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeviceRateLimiterTest {

  private final AtomicLong now = new AtomicLong();

  @Test
  void entriesAreTakenOnlyWhileTheBurstLastsThenTheDeviceWaitsAndOthersDoNot() {
    DeviceRateLimiter limiter = new DeviceRateLimiter(new RateLimitSettings(100, 1_000_000, 0, 2), now::get);

    int taken = 0;
    while (limiter.takeEntry("flood")) {
      taken++;
    }
    assertThat(taken).as("100/s with a 2 s burst").isEqualTo(200);
    assertThat(limiter.waitBeforeNextPush("flood")).isBetween(Duration.ofMillis(1), Duration.ofMillis(10));
    assertThat(limiter.waitBeforeNextPush("quiet")).isZero();
    assertThat(limiter.takeEntry("quiet")).isTrue();
    now.addAndGet(Duration.ofMillis(500).toNanos());
    assertThat(limiter.waitBeforeNextPush("flood")).isZero();
    taken = 0;
    while (limiter.takeEntry("flood")) {
      taken++;
    }
    assertThat(taken).as("refilled for half a second").isEqualTo(50);
  }

  /** Re-sent entries are free, so a device re-sending one batch in a tight loop is held by its request rate. */
  @Test
  void eachPushTakesARequestTokenAndATightLoopIsHeldToTheRequestRate() {
    DeviceRateLimiter limiter = new DeviceRateLimiter(new RateLimitSettings(0, 0, 20, 1), now::get);

    int admitted = 0;
    while (limiter.admitPush("looping").isZero()) {
      admitted++;
    }
    assertThat(admitted).as("20 pushes/s with a 1 s burst").isEqualTo(20);
    assertThat(limiter.admitPush("looping")).isBetween(Duration.ofMillis(49), Duration.ofMillis(50));
    assertThat(limiter.admitPush("another")).as("other devices go on").isZero();
    assertThat(limiter.waitBeforeNextPush("looping")).as("asking how long is free; only admitting takes a token").isZero();
    now.addAndGet(Duration.ofMillis(100).toNanos());
    assertThat(limiter.admitPush("looping")).isZero();
    assertThat(limiter.admitPush("looping")).isZero();
    assertThat(limiter.admitPush("looping")).isPositive();
  }

  @Test
  void bytesMayGoIntoDebtThatKeepsTheDeviceOut() {
    DeviceRateLimiter limiter = new DeviceRateLimiter(new RateLimitSettings(0, 1_000, 0, 1), now::get);

    assertThat(limiter.chargeBytes("big", 600)).isTrue();
    assertThat(limiter.chargeBytes("big", 1_400)).as("1,000 in debt").isFalse();
    assertThat(limiter.waitBeforeNextPush("big")).isBetween(Duration.ofMillis(1000), Duration.ofMillis(1002));
    now.addAndGet(Duration.ofMillis(1002).toNanos());
    assertThat(limiter.waitBeforeNextPush("big")).isZero();
  }

  @Test
  void unlimitedKeepsNoState() {
    DeviceRateLimiter limiter = new DeviceRateLimiter(RateLimitSettings.UNLIMITED, now::get);
    for (int i = 0; i < 10_000; i++) {
      assertThat(limiter.takeEntry("any")).isTrue();
    }
    assertThat(limiter.chargeBytes("any", 1L << 40)).isTrue();
    assertThat(limiter.waitBeforeNextPush("any")).isZero();
  }
}
