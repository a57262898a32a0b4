package io.fleetpulse.collector.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnectionRateLimiterTest {

  private final AtomicLong now = new AtomicLong();

  @Test
  void anAddressReconnectingInATightLoopIsRefusedPastItsBurstAndOthersAreNot() {
    ConnectionRateLimiter limiter = new ConnectionRateLimiter(5, now::get);

    int accepted = 0;
    for (int i = 0; i < 1_000; i++) {
      if (limiter.tryConnect("10.0.0.7")) {
        accepted++;
      }
    }
    assertThat(accepted).as("5/s with a %d s burst", ConnectionRateLimiter.BURST_SECONDS).isEqualTo(5 * ConnectionRateLimiter.BURST_SECONDS);
    assertThat(limiter.tryConnect("10.0.0.8")).as("another address").isTrue();
    now.addAndGet(Duration.ofMillis(400).toNanos());
    assertThat(limiter.tryConnect("10.0.0.7")).as("two connections' worth refilled").isTrue();
    assertThat(limiter.tryConnect("10.0.0.7")).isTrue();
    assertThat(limiter.tryConnect("10.0.0.7")).isFalse();
  }

  @Test
  void addressesQuietLongEnoughAreForgotten() {
    ConnectionRateLimiter limiter = new ConnectionRateLimiter(5, now::get);
    for (int i = 0; i < 100; i++) {
      limiter.tryConnect("10.0.1." + i);
    }
    assertThat(limiter.tracked()).isEqualTo(100);
    now.addAndGet(Duration.ofSeconds(61).toNanos());
    limiter.tryConnect("10.0.2.1");
    assertThat(limiter.tracked()).as("only the address seen after the sweep").isEqualTo(1);
  }

  @Test
  void zeroMeansUnlimitedAndKeepsNoState() {
    ConnectionRateLimiter limiter = new ConnectionRateLimiter(0, now::get);
    for (int i = 0; i < 10_000; i++) {
      assertThat(limiter.tryConnect("10.0.0.9")).isTrue();
    }
    assertThat(limiter.tracked()).isZero();
  }
}
