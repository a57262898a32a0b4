package io.fleetpulse.streams.releases;

/**
 * Two Poisson rates compared the way epidemiologists compare incidence rates: {@code x1} events in exposure {@code t1}
 * (a new release's device-days) against {@code x0} in {@code t0} (the previous release's). Conditional on the total
 * {@code n = x1 + x0}, under equal rates {@code x1} is Binomial(n, t1 / (t1 + t0)); the one-sided exact p-value that
 * the new rate is higher is P(X >= x1). Exact for small counts, where a normal approximation lies, and needs no
 * assumption beyond events arriving independently at a steady rate per device-day.
 *
 * @param ratio (x1/t1) / (x0/t0); infinite when the previous release had none, NaN when neither had any
 * @param p the one-sided p-value that the new release's rate is higher
 */
public record RateComparison(double ratio, double p) {

  public static RateComparison of(long x1, double t1, long x0, double t0) {
    if (t1 <= 0 || t0 <= 0) {
      throw new IllegalArgumentException("exposures must be positive: " + t1 + ", " + t0);
    }
    double ratio = x0 == 0 ? (x1 == 0 ? Double.NaN : Double.POSITIVE_INFINITY) : (x1 / t1) / (x0 / t0);
    return new RateComparison(ratio, upperTail(x1 + x0, x1, t1 / (t1 + t0)));
  }

  /** P(X >= k) for X ~ Binomial(n, p), summed in log space from k up (the terms fall fast past the mode). */
  static double upperTail(long n, long k, double p) {
    if (k <= 0) {
      return 1.0;
    }
    if (k > n) {
      return 0.0;
    }
    if (p >= 1.0) {
      return 1.0;
    }
    double logP = Math.log(p);
    double logQ = Math.log1p(-p);
    double sum = 0;
    double first = Double.NaN;
    for (long i = k; i <= n; i++) {
      double logTerm = logChoose(n, i) + i * logP + (n - i) * logQ;
      if (Double.isNaN(first)) {
        first = logTerm;
      }
      double term = Math.exp(logTerm - first);
      sum += term;
      if (term < 1e-17 * sum && i > n * p) {
        break;
      }
    }
    return Math.min(1.0, Math.exp(first) * sum);
  }

  private static double logChoose(long n, long k) {
    return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
  }

  /** ln(n!): exact sums for small n, Stirling's series (error below 1e-10 past 20) beyond. */
  private static double logFactorial(long n) {
    if (n < 20) {
      double sum = 0;
      for (long i = 2; i <= n; i++) {
        sum += Math.log(i);
      }
      return sum;
    }
    double x = n + 1.0;
    return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1.0 / (12 * x) - 1.0 / (360 * x * x * x);
  }
}
