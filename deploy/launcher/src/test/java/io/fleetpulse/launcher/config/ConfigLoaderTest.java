package io.fleetpulse.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private final ConfigLoader loader = new ConfigLoader();

  @TempDir
  Path dir;

  @Test
  void defaultsMatchTheContract() {
    FleetpulseConfig config = loader.load(null, Map.of(), List.of());

    assertThat(config.collector().port()).isEqualTo(19532);
    assertThat(config.api().port()).isEqualTo(8080);
    assertThat(config.embedded().port()).isEqualTo(9092);
    assertThat(config.collector().host()).isEqualTo("127.0.0.1");
    assertThat(config.api().host()).isEqualTo("127.0.0.1");
    assertThat(config.dataDir()).isEqualTo("./data");
  }

  @Test
  void fileThenEnvironmentThenFlagsEachOverrideThePrevious() throws Exception {
    Path file = dir.resolve("fleetpulse.yaml");
    Files.writeString(file, """
        api:
          port: 8081
        collector:
          port: 20000
          limits:
            maxFieldBytes: 1000
        kafka:
          partitions: 12
        """);
    Map<String, String> env = Map.of("FLEETPULSE_COLLECTOR_PORT", "20001", "FLEETPULSE_KAFKA_PARTITIONS", "24",
        "FLEETPULSE_COLLECTOR_LIMITS_MAX_FIELD_BYTES", "2000", "UNRELATED", "x");

    FleetpulseConfig config = loader.load(file, env, List.of("kafka.partitions=3"));

    assertThat(config.api().port()).isEqualTo(8081);
    assertThat(config.collector().port()).isEqualTo(20001);
    assertThat(config.collector().limits().maxFieldBytes()).isEqualTo(2000);
    assertThat(config.kafka().partitions()).isEqualTo(3);
    assertThat(config.collector().limits().maxEntryBytes()).isEqualTo(256 * 1024);
  }

  @Test
  void environmentNamesFollowTheSettingPaths() {
    assertThat(ConfigLoader.envName("kafka.bootstrap")).isEqualTo("FLEETPULSE_KAFKA_BOOTSTRAP");
    assertThat(ConfigLoader.envName("dataDir")).isEqualTo("FLEETPULSE_DATA_DIR");
    assertThat(loader.keys()).contains("kafka.bootstrap", "collector.limits.maxRequestBytes", "streams.eventRetentionDays");
  }

  @Test
  void typosAndBadValuesAreReportedByName() throws Exception {
    Path file = dir.resolve("typo.yaml");
    Files.writeString(file, "api:\n  prot: 8081\n");
    assertThatThrownBy(() -> loader.load(file, Map.of(), List.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("Unknown setting 'prot'").hasMessageContaining("typo.yaml");
    assertThatThrownBy(() -> loader.load(null, Map.of(), List.of("api.prot=1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("Unknown setting 'api.prot'").hasMessageContaining("api.port");
    assertThatThrownBy(() -> loader.load(null, Map.of("FLEETPULSE_API_PORT", "eighty"), List.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("eighty");
    assertThatThrownBy(() -> loader.load(dir.resolve("missing.yaml"), Map.of(), List.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("Cannot read config file");
  }

  @Test
  void detectionThresholdsDefaultToTheContractAndAreSettableAndChecked() {
    FleetpulseConfig defaults = loader.load(null, Map.of(), List.of());
    assertThat(defaults.streams().detection().settings()).isEqualTo(io.fleetpulse.streams.detect.DetectionSettings.defaults());

    FleetpulseConfig tuned = loader.load(null, Map.of("FLEETPULSE_STREAMS_DETECTION_CRASHLOOP_RESTARTS", "3"),
        List.of("streams.detection.fleetIncidentPercent=30"));
    assertThat(tuned.streams().detection().settings().crashloopRestarts()).isEqualTo(3);
    assertThat(tuned.streams().detection().settings().fleetIncidentShare()).isEqualTo(0.30);

    assertThatThrownBy(() -> loader.load(null, Map.of(), List.of("streams.detection.dnsFailures=0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("streams.detection.dnsFailures must be positive");
  }

  @Test
  void withoutAuthOnlyLoopbackBindsAreAllowed() {
    BindPolicy.requireLoopback("API", "127.0.0.1");
    BindPolicy.requireLoopback("API", "localhost");
    BindPolicy.requireLoopback("API", "::1");
    assertThatThrownBy(() -> BindPolicy.requireLoopback("collector", "0.0.0.0"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Refusing to bind the collector to 0.0.0.0")
        .hasMessageContaining("127.0.0.1");
  }
}
