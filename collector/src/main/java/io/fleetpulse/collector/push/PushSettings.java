package io.fleetpulse.collector.push;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.ratelimit.RateLimitSettings;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the push endpoints listen and what they accept. {@code tls}: HTTPS, and mTLS when it has a
 * client CA; {@code deviceTokensFile}: bearer tokens required on the JSON endpoint (see DeviceTokens);
 * {@code connections}: how long a connection may take and how many one address may hold;
 * {@code inFlightBytes}: how much pushed data all pushes together may hold before it is committed
 * (see InFlightBudget; 0 = no budget).
 */
public record PushSettings(String host, int port, JournalLimits limits, RateLimitSettings rateLimits, Optional<PushTls> tls,
    Optional<Path> deviceTokensFile, ConnectionLimits connections, long inFlightBytes) {

  public static final int DEFAULT_PORT = 19532;
  public static final long DEFAULT_IN_FLIGHT_BYTES = 128L * 1024 * 1024;
  /** Four pushes' worth of batches: less would refuse pushes that fit any sensible machine. */
  public static final long MIN_IN_FLIGHT_BYTES = 4L * PushRequest.BATCH_BYTES;

  public PushSettings {
    if (inFlightBytes != 0 && inFlightBytes < MIN_IN_FLIGHT_BYTES) {
      throw new IllegalArgumentException("the in-flight budget must be 0 (none) or at least " + MIN_IN_FLIGHT_BYTES + " bytes");
    }
  }

  /** With the default connection limits and in-flight budget. */
  public PushSettings(String host, int port, JournalLimits limits, RateLimitSettings rateLimits, Optional<PushTls> tls,
      Optional<Path> deviceTokensFile) {
    this(host, port, limits, rateLimits, tls, deviceTokensFile, ConnectionLimits.DEFAULT, DEFAULT_IN_FLIGHT_BYTES);
  }

  /** Plain HTTP, no bearer tokens. */
  public PushSettings(String host, int port, JournalLimits limits, RateLimitSettings rateLimits) {
    this(host, port, limits, rateLimits, Optional.empty(), Optional.empty());
  }

  /** The same, with other connection limits. */
  public PushSettings withConnections(ConnectionLimits connections) {
    return new PushSettings(host, port, limits, rateLimits, tls, deviceTokensFile, connections, inFlightBytes);
  }

  /** The same, with another in-flight budget. */
  public PushSettings withInFlightBytes(long bytes) {
    return new PushSettings(host, port, limits, rateLimits, tls, deviceTokensFile, connections, bytes);
  }

  /** Plain HTTP, no per-device rate limits. */
  public PushSettings(String host, int port, JournalLimits limits) {
    this(host, port, limits, RateLimitSettings.UNLIMITED);
  }
}
