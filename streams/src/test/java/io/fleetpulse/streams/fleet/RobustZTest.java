package io.fleetpulse.streams.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RobustZTest {

  @Test
  void scoresAgainstTheMedianInUnitsOfTheMad() {
    // Iglewicz and Hoaglin's kind of sample: median 4, MAD 1.
    RobustZ z = RobustZ.of(List.of(2, 3, 4, 4, 5, 6, 30));
    assertThat(z.median()).isEqualTo(4);
    assertThat(z.fromMeanDeviation()).isFalse();
    assertThat(z.score(30)).isCloseTo(0.6745 * 26, within(1e-9));
    assertThat(z.score(4)).isZero();
    assertThat(z.score(2)).as("below the median is negative").isNegative();
  }

  @Test
  void anEvenCountTakesTheMeanOfTheMiddlePair() {
    RobustZ z = RobustZ.of(List.of(0, 0, 1, 1));
    assertThat(z.median()).isEqualTo(0.5);
    assertThat(z.score(1)).isCloseTo(0.6745, within(1e-9));
  }

  @Test
  void aZeroMadFallsBackToTheMeanAbsoluteDeviation() {
    RobustZ z = RobustZ.of(List.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 6));
    assertThat(z.fromMeanDeviation()).isTrue();
    assertThat(z.score(6)).isCloseTo(6 / (1.253314 * 0.6), within(1e-9));
  }

  @Test
  void whenEveryValueIsEqualNothingDeviates() {
    RobustZ z = RobustZ.of(List.of(3, 3, 3, 3, 3));
    assertThat(z.score(3)).isZero();
    assertThat(z.score(100)).as("no spread to measure against").isZero();
    assertThatThrownBy(() -> RobustZ.of(List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
