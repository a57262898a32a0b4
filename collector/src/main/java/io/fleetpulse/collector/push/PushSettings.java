package io.fleetpulse.collector.push;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.ratelimit.RateLimitSettings;

/** Where the push endpoints listen and what they accept. */
public record PushSettings(String host, int port, JournalLimits limits, RateLimitSettings rateLimits) {

  public static final int DEFAULT_PORT = 19532;

  /** No per-device rate limits. */
  public PushSettings(String host, int port, JournalLimits limits) {
    this(host, port, limits, RateLimitSettings.UNLIMITED);
  }
}
