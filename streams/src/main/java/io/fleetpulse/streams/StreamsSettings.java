package io.fleetpulse.streams;

import io.fleetpulse.streams.detect.DetectionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How the topology runs. {@code replication} applies to the streams' internal topics (1 on the
 * embedded single-node broker); {@code detection} holds every detector threshold; {@code healthHistory}
 * is how long past health stays queryable; {@code overrides} are raw Kafka Streams properties for tuning.
 */
public record StreamsSettings(
    String bootstrapServers,
    String applicationId,
    Path stateDir,
    int replication,
    Duration eventRetention,
    Duration healthHistory,
    DetectionSettings detection,
    Map<String, Object> overrides) {

  public StreamsSettings {
    overrides = Map.copyOf(overrides);
  }

  public static StreamsSettings of(String bootstrapServers, String applicationId, Path stateDir) {
    return new StreamsSettings(bootstrapServers, applicationId, stateDir, 1, Duration.ofDays(14), Duration.ofDays(14),
        DetectionSettings.defaults(), Map.of());
  }

  public StreamsSettings withDetection(DetectionSettings detection) {
    return new StreamsSettings(bootstrapServers, applicationId, stateDir, replication, eventRetention, healthHistory, detection, overrides);
  }

  public StreamsSettings withOverrides(Map<String, Object> overrides) {
    return new StreamsSettings(bootstrapServers, applicationId, stateDir, replication, eventRetention, healthHistory, detection, overrides);
  }
}
