package io.fleetpulse.streams.releases;

/**
 * When a release is judged worse than the fleet's previous one for a kind: at least {@code minDevices} devices on it,
 * at least {@code minEvents} of the kind there, a rate at least {@code minRatio} times the previous release's, and a
 * one-sided p-value below {@code alpha} divided by the number of kinds compared and by {@code looks}. Both are
 * Bonferroni corrections: a fleet has a dozen kinds, each tested at 0.01 would cry wolf over equal releases; and a
 * release is re-judged as data comes, so over a week of data it is looked at about once a day (judgements a round
 * apart see nearly the same data), and each look is a chance to be fooled. Measured on equal releases
 * (ReleaseReportTest): per-kind correction alone raised 14 false alarms in 1,000 simulated fleets.
 */
public record RegressionRule(int minDevices, int minEvents, double minRatio, double alpha, int looks) {

  /** issue 28's defaults: ≥ 5 devices, ratio ≥ 2, p < 0.01; at least 3 events, and a week of daily looks. */
  public static final RegressionRule DEFAULT = new RegressionRule(5, 3, 2.0, 0.01, 7);

  boolean regressed(int devices, long events, RateComparison comparison, int kindsCompared) {
    return devices >= minDevices && events >= minEvents && comparison.ratio() >= minRatio
        && comparison.p() < alpha / Math.max(1, kindsCompared) / looks;
  }
}
