package io.fleetpulse.collector.push;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.ratelimit.RateLimitSettings;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the push endpoints listen and what they accept. {@code tls}: HTTPS, and mTLS when it has a
 * client CA; {@code deviceTokensFile}: bearer tokens required on the JSON endpoint (see DeviceTokens).
 */
public record PushSettings(String host, int port, JournalLimits limits, RateLimitSettings rateLimits, Optional<PushTls> tls,
    Optional<Path> deviceTokensFile) {

  public static final int DEFAULT_PORT = 19532;

  /** Plain HTTP, no bearer tokens. */
  public PushSettings(String host, int port, JournalLimits limits, RateLimitSettings rateLimits) {
    this(host, port, limits, rateLimits, Optional.empty(), Optional.empty());
  }

  /** Plain HTTP, no per-device rate limits. */
  public PushSettings(String host, int port, JournalLimits limits) {
    this(host, port, limits, RateLimitSettings.UNLIMITED);
  }
}
