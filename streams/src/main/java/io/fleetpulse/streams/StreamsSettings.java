package io.fleetpulse.streams;

import io.fleetpulse.streams.detect.DetectionSettings;
import io.fleetpulse.streams.journal.JournalRetention;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How the topology runs. {@code replication} applies to the streams' internal topics (1 on the
 * embedded single-node broker); {@code detection} holds every detector threshold; {@code healthHistory}
 * is how long past health stays queryable; {@code journal} how much of each device's journal stays readable;
 * {@code overrides} are raw Kafka Streams properties for tuning.
 */
public record StreamsSettings(
    String bootstrapServers,
    String applicationId,
    Path stateDir,
    int replication,
    Duration eventRetention,
    Duration healthHistory,
    DetectionSettings detection,
    JournalRetention journal,
    Map<String, Object> overrides) {

  public StreamsSettings {
    overrides = Map.copyOf(overrides);
  }

  public static StreamsSettings of(String bootstrapServers, String applicationId, Path stateDir) {
    return new StreamsSettings(bootstrapServers, applicationId, stateDir, 1, Duration.ofDays(14), Duration.ofDays(14),
        DetectionSettings.defaults(), JournalRetention.DEFAULT, Map.of());
  }

  public StreamsSettings withDetection(DetectionSettings detection) {
    return new StreamsSettings(bootstrapServers, applicationId, stateDir, replication, eventRetention, healthHistory, detection, journal, overrides);
  }

  public StreamsSettings withJournal(JournalRetention journal) {
    return new StreamsSettings(bootstrapServers, applicationId, stateDir, replication, eventRetention, healthHistory, detection, journal, overrides);
  }

  public StreamsSettings withOverrides(Map<String, Object> overrides) {
    return new StreamsSettings(bootstrapServers, applicationId, stateDir, replication, eventRetention, healthHistory, detection, journal, overrides);
  }
}
