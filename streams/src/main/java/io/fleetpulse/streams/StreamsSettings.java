package io.fleetpulse.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How the topology runs. {@code replication} applies to the streams' internal topics (1 on the
 * embedded single-node broker); {@code overrides} are raw Kafka Streams properties for tuning.
 */
public record StreamsSettings(
    String bootstrapServers,
    String applicationId,
    Path stateDir,
    int replication,
    Duration eventRetention,
    Map<String, Object> overrides) {

  public StreamsSettings {
    overrides = Map.copyOf(overrides);
  }

  public static StreamsSettings of(String bootstrapServers, String applicationId, Path stateDir) {
    return new StreamsSettings(bootstrapServers, applicationId, stateDir, 1, Duration.ofDays(14), Map.of());
  }
}
