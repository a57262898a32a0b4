package io.fleetpulse.streams.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestartTallyTest {

  @Test
  void countsPerBucketSlidesAndRoundTrips() {
    Duration hour = Duration.ofHours(1);
    Instant t = Instant.parse("2026-11-27T10:00:00Z");
    RestartTally tally = RestartTally.none()
        .plus(t.minus(Duration.ofHours(30)), "balena.service", hour)
        .plus(t.minus(Duration.ofMinutes(90)), "myapp.service", hour)
        .plus(t.minus(Duration.ofMinutes(70)), "other.service", hour)
        .plus(t.minus(Duration.ofMinutes(5)), "last.service", hour);
    assertThat(tally.restarts()).isEqualTo(4);
    assertThat(tally.buckets()).hasSize(3);
    assertThat(tally.lastUnit()).isEqualTo("last.service");
    assertThat(tally.since(t.minus(Duration.ofHours(24))).restarts()).isEqualTo(3);

    byte[] bytes = RestartTally.serde().serializer().serialize("t", tally);
    assertThat(RestartTally.serde().deserializer().deserialize("t", bytes)).isEqualTo(tally);
  }
}
