package io.fleetpulse.collector.ratelimit;

/**
 * Per-device push limits: sustained entries, bytes and requests per second, and how many seconds' worth a device
 * may send at once (a device catching up after an outage sends its backlog in a burst). 0 = no limit.
 */
public record RateLimitSettings(double entriesPerSecond, double bytesPerSecond, double requestsPerSecond, double burstSeconds) {

  public static final RateLimitSettings UNLIMITED = new RateLimitSettings(0, 0, 0, 0);
  public static final RateLimitSettings DEFAULT = new RateLimitSettings(2_000, 2 * 1024 * 1024, 20, 30);

  public RateLimitSettings {
    if (entriesPerSecond < 0 || bytesPerSecond < 0 || requestsPerSecond < 0 || burstSeconds < 0
        || (entriesPerSecond > 0 || bytesPerSecond > 0 || requestsPerSecond > 0) && burstSeconds == 0) {
      throw new IllegalArgumentException("rate limits must not be negative, and need a burst when set: " + this);
    }
  }
}
