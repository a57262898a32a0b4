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

  public record Collector(String host, int port, Limits limits, Ssh ssh) {
    public Listener listener() {
      return new Listener(host, port);
    }
  }

  /**
   * SSH tailing: off while {@code inventory} is empty. {@code knownHosts} empty means
   * {@code <dataDir>/known_hosts}; {@code hostKeyPolicy} is {@code strict} or {@code trust-on-first-use};
   * {@code startPosition} ({@code now} or {@code all}) applies to devices without a committed cursor;
   * {@code diskMounts} is a comma-separated list.
   */
  public record Ssh(String inventory, String knownHosts, String hostKeyPolicy, String journalctl, String startPosition,
      String diskMounts, String transactionalId) {}

  /** Journal size limits per field, entry, request (bytes) and fields per entry. */
  public record Limits(int maxFieldBytes, int maxEntryBytes, int maxFieldsPerEntry, long maxRequestBytes) {}

  /** The topology; its state lives in {@code <dataDir>/streams}. */
  public record Streams(String applicationId, int eventRetentionDays) {}

  public static FleetpulseConfig defaults() {
    return new FleetpulseConfig(
        "./data",
        new Kafka("", 6, (short) 1, 10),
        new Embedded(9092, 9093),
        new Collector("127.0.0.1", 19532, new Limits(64 * 1024, 256 * 1024, 256, 64L * 1024 * 1024),
            new Ssh("", "", "strict", "journalctl", "now", "/mnt/data,/mnt/state", "fleetpulse-ssh-collector")),
        new Listener("127.0.0.1", 8080),
        new Streams("fleetpulse", 14));
  }
}
