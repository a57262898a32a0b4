package io.fleetpulse.streams.releases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The conditional binomial test against values computed by hand (and by R's binom.test / poisson.test). */
class RateComparisonTest {

  @Test
  void theUpperTailOfASmallBinomialIsTheSumOfItsTerms() {
    // n = 3, p = 1/2: P(X >= 2) = (3 + 1) / 8.
    assertThat(RateComparison.upperTail(3, 2, 0.5)).isCloseTo(0.5, within(1e-12));
    // n = 10, p = 0.3: P(X >= 7) = 0.0090 + 0.0014467 + 0.0001378 + 0.0000059 = 0.0105920784 (sum of the four terms).
    assertThat(RateComparison.upperTail(10, 7, 0.3)).isCloseTo(0.0105920784, within(1e-9));
    assertThat(RateComparison.upperTail(10, 0, 0.3)).isEqualTo(1.0);
    assertThat(RateComparison.upperTail(10, 11, 0.3)).isEqualTo(0.0);
  }

  @Test
  void aReleaseWithNineTimesTheRateOverEqualExposureIsSignificant() {
    // 18 events in 40 device-days against 2 in 40: ratio 9; n = 20, p0 = 1/2, P(X >= 18) = (190 + 20 + 1) / 2^20.
    RateComparison comparison = RateComparison.of(18, 40, 2, 40);
    assertThat(comparison.ratio()).isCloseTo(9.0, within(1e-12));
    assertThat(comparison.p()).isCloseTo(211.0 / 1_048_576, within(1e-12));
  }

  @Test
  void exposureCountsAsMuchAsEvents() {
    // Twice the events over twice the device-days is the same rate: ratio 1, and no evidence of worse (p > 1/2).
    RateComparison same = RateComparison.of(20, 200, 10, 100);
    assertThat(same.ratio()).isCloseTo(1.0, within(1e-12));
    assertThat(same.p()).isGreaterThan(0.4);
    // 30 events against 10 over equal exposure: n = 40, p0 = 1/2, P(X >= 30) = sum of C(40, i) / 2^40 for i >= 30.
    assertThat(RateComparison.of(30, 100, 10, 100).p()).isCloseTo(0.0011107168866, within(1e-10));
  }

  @Test
  void aPreviousReleaseWithoutEventsGivesAnInfiniteRatioAndAnExactP() {
    RateComparison comparison = RateComparison.of(6, 10, 0, 10);
    assertThat(comparison.ratio()).isInfinite();
    assertThat(comparison.p()).isCloseTo(1.0 / 64, within(1e-12));
    assertThat(RateComparison.of(0, 10, 0, 10).ratio()).isNaN();
    assertThat(RateComparison.of(0, 10, 0, 10).p()).isEqualTo(1.0);
  }

  @Test
  void largeCountsStayAccurate() {
    // n = 2000, p = 1/2, P(X >= 1000) = 1/2 + P(X = 1000)/2.
    assertThat(RateComparison.upperTail(2000, 1000, 0.5)).isCloseTo(0.5089195055729, within(1e-9));
  }
}
