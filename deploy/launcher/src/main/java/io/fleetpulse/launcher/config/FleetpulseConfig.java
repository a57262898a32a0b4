package io.fleetpulse.launcher.config;

/**
 * Everything an operator can configure, with its default. The YAML file mirrors this shape; every
 * key also has an environment variable ({@code FLEETPULSE_} + the path in upper snake case, e.g.
 * {@code kafka.bootstrap} → {@code FLEETPULSE_KAFKA_BOOTSTRAP}) and can be set with
 * {@code --set path=value}. See the README, "Configuration".
 */
public record FleetpulseConfig(String dataDir, Kafka kafka, Embedded embedded, Collector collector, Listener api, Streams streams) {

  /** Kafka as the roles see it. An empty bootstrap in {@code run} means the embedded broker. */
  public record Kafka(String bootstrap, int partitions, short replication, int deliveryTimeoutSeconds) {}

  /** The embedded single-node broker of the all-in-one mode; its data lives in {@code <dataDir>/kafka}. */
  public record Embedded(int port, int controllerPort) {}

  public record Listener(String host, int port) {}

  public record Collector(String host, int port, Limits limits, RateLimits rateLimits, Tls tls, String deviceTokensFile) {
    public Listener listener() {
      return new Listener(host, port);
    }
  }

  /** Journal size limits per field, entry, request (bytes) and fields per entry. */
  public record Limits(int maxFieldBytes, int maxEntryBytes, int maxFieldsPerEntry, long maxRequestBytes) {}

  /** Per-device push limits: sustained entries and bytes per second, burst in seconds' worth; 0 = unlimited. */
  public record RateLimits(double entriesPerSecond, double bytesPerSecond, double burstSeconds) {}

  /**
   * HTTPS for push (PEM files; empty = plain HTTP). With {@code clientCaFile} devices must present a
   * certificate signed by it whose CN is their uuid (mTLS).
   */
  public record Tls(String certFile, String keyFile, String clientCaFile) {
    public boolean enabled() {
      return !certFile.isEmpty();
    }

    public boolean mutual() {
      return enabled() && !clientCaFile.isEmpty();
    }
  }

  /** The topology; its state lives in {@code <dataDir>/streams}. */
  public record Streams(String applicationId, int eventRetentionDays) {}

  public static FleetpulseConfig defaults() {
    return new FleetpulseConfig(
        "./data",
        new Kafka("", 6, (short) 1, 10),
        new Embedded(9092, 9093),
        new Collector("127.0.0.1", 19532, new Limits(64 * 1024, 256 * 1024, 256, 64L * 1024 * 1024),
            new RateLimits(2_000, 2 * 1024 * 1024, 30), new Tls("", "", ""), ""),
        new Listener("127.0.0.1", 8080),
        new Streams("fleetpulse", 14));
  }
}
