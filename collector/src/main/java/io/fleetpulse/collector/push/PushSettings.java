package io.fleetpulse.collector.push;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.ratelimit.RateLimitSettings;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the push endpoints listen and what they accept. {@code tls}: HTTPS, and mTLS when it has a
 * client CA; {@code deviceTokensFile}: bearer tokens required on the JSON endpoint (see DeviceTokens);
 * {@code connections}: how long a connection may take and how many one address may hold.
 */
public record PushSettings(String host, int port, JournalLimits limits, RateLimitSettings rateLimits, Optional<PushTls> tls,
    Optional<Path> deviceTokensFile, ConnectionLimits connections) {

  public static final int DEFAULT_PORT = 19532;

  /** With the default connection limits. */
  public PushSettings(String host, int port, JournalLimits limits, RateLimitSettings rateLimits, Optional<PushTls> tls,
      Optional<Path> deviceTokensFile) {
    this(host, port, limits, rateLimits, tls, deviceTokensFile, ConnectionLimits.DEFAULT);
  }

  /** Plain HTTP, no bearer tokens. */
  public PushSettings(String host, int port, JournalLimits limits, RateLimitSettings rateLimits) {
    this(host, port, limits, rateLimits, Optional.empty(), Optional.empty());
  }

  /** The same, with other connection limits. */
  public PushSettings withConnections(ConnectionLimits connections) {
    return new PushSettings(host, port, limits, rateLimits, tls, deviceTokensFile, connections);
  }

  /** Plain HTTP, no per-device rate limits. */
  public PushSettings(String host, int port, JournalLimits limits) {
    this(host, port, limits, RateLimitSettings.UNLIMITED);
  }
}
