package io.fleetpulse.collector.push;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.ratelimit.RateLimitSettings;
import java.util.Optional;

/** Where the push endpoints listen and what they accept. */
public record PushSettings(String host, int port, JournalLimits limits, RateLimitSettings rateLimits, Optional<PushTls> tls) {

  public static final int DEFAULT_PORT = 19532;

  /** Plain HTTP. */
  public PushSettings(String host, int port, JournalLimits limits, RateLimitSettings rateLimits) {
    this(host, port, limits, rateLimits, Optional.empty());
  }

  /** Plain HTTP, no per-device rate limits. */
  public PushSettings(String host, int port, JournalLimits limits) {
    this(host, port, limits, RateLimitSettings.UNLIMITED);
  }
}
