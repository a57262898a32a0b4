package io.fleetpulse.streams.fleet;

import java.util.Arrays;
import java.util.Collection;

/**
 * Iglewicz and Hoaglin's modified z-score: how far a value lies from the median, in units of the median
 * absolute deviation, {@code 0.6745 (x - median) / MAD}. Unlike the mean and standard deviation, one
 * crash-looping device cannot drag the median or the MAD towards itself, so it stands out.
 *
 * <p>In a quiet fleet most devices restart 0 times and the MAD is 0 even when one device restarts
 * often. Then the spread is the mean absolute deviation instead, {@code (x - median) / (1.253314 MeanAD)}
 * (the same authors' fallback; 1.253314 = sqrt(pi / 2) makes it comparable for normal data). When
 * every value is equal, nothing deviates and every score is 0.
 */
record RobustZ(double median, double spread, boolean fromMeanDeviation) {

  private static final double MAD_SCALE = 0.6745;
  private static final double MEAN_DEVIATION_SCALE = 1.253314;

  static RobustZ of(Collection<Integer> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("a robust z-score needs at least one value");
    }
    double[] sorted = values.stream().mapToDouble(Integer::doubleValue).sorted().toArray();
    double median = median(sorted);
    double[] deviations = Arrays.stream(sorted).map(v -> Math.abs(v - median)).sorted().toArray();
    double mad = median(deviations);
    if (mad > 0) {
      return new RobustZ(median, mad / MAD_SCALE, false);
    }
    double meanDeviation = Arrays.stream(deviations).average().orElse(0);
    return new RobustZ(median, MEAN_DEVIATION_SCALE * meanDeviation, true);
  }

  /** The score of {@code x}; positive above the median. */
  double score(double x) {
    return spread == 0 ? 0 : (x - median) / spread;
  }

  private static double median(double[] sorted) {
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
