package io.fleetpulse.streams.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpokenDurationTest {

  @Test
  void saysTheTwoLargestUnitsThatMatter() {
    assertThat(SpokenDuration.of(Duration.ofSeconds(308_109_137))).isEqualTo("9 years 9 months");
    assertThat(SpokenDuration.of(Duration.ofSeconds(-84_151_045))).isEqualTo("2 years 7 months");
    assertThat(SpokenDuration.of(Duration.ofDays(3).plusHours(2))).isEqualTo("3 days 2 h");
    assertThat(SpokenDuration.of(Duration.ofDays(3).plusMinutes(4))).isEqualTo("3 days");
    assertThat(SpokenDuration.of(Duration.ofSeconds(303))).isEqualTo("5 min 3 s");
    assertThat(SpokenDuration.of(Duration.ofSeconds(13))).isEqualTo("13 s");
    assertThat(SpokenDuration.of(Duration.ofSeconds(1))).isEqualTo("1 s");
    assertThat(SpokenDuration.of(Duration.ofDays(1))).isEqualTo("1 day");
    assertThat(SpokenDuration.of(Duration.ofMillis(200))).isEqualTo("under 1 s");
  }
}
