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
  void restartOutlierThresholdsAreSettableAndChecked() {
    FleetpulseConfig tuned = loader.load(null, Map.of("FLEETPULSE_STREAMS_DETECTION_OUTLIER_ROBUST_Z", "4.5"),
        List.of("streams.detection.outlierWindowHours=12", "streams.detection.outlierMinDevices=8"));
    assertThat(tuned.streams().detection().settings().outlierRobustZ()).isEqualTo(4.5);
    assertThat(tuned.streams().detection().settings().outlierWindow()).isEqualTo(java.time.Duration.ofHours(12));
    assertThat(tuned.streams().detection().settings().outlierMinDevices()).isEqualTo(8);

    assertThatThrownBy(() -> loader.load(null, Map.of(), List.of("streams.detection.outlierRobustZ=0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("streams.detection.outlierRobustZ must be a positive number");
    assertThatThrownBy(() -> loader.load(null, Map.of(), List.of("streams.detection.outlierRobustZ=high")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("high");
    assertThatThrownBy(() -> loader.load(null, Map.of(), List.of("streams.detection.outlierMinRestarts=-1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("streams.detection.outlierMinRestarts must be positive");
  }

  @Test
  void withoutAuthOnlyLoopbackBindsAreAllowed() {
    for (String loopback : List.of("127.0.0.1", "localhost", "::1")) {
      BindPolicy.requireLoopbackUnlessAuthenticated("API", loopback, null, "configure tokens");
    }
    assertThatThrownBy(() -> BindPolicy.requireLoopbackUnlessAuthenticated("collector", "0.0.0.0", null, "configure tokens"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Refusing to bind the collector to 0.0.0.0")
        .hasMessageContaining("127.0.0.1");
    BindPolicy.requireLoopbackUnlessAuthenticated("API", "0.0.0.0", "bearer tokens", "configure tokens");
  }

  @Test
  void anApiWithTokensMayServeTheNetworkAndAnApiWithoutMayNot() throws Exception {
    Path file = dir.resolve("api.yaml");
    Files.writeString(file, """
        api:
          host: 0.0.0.0
          tokens:
            - name: support
              role: viewer
              sha256: %s
        """.formatted(io.fleetpulse.api.auth.ApiToken.sha256Hex("t")));
    FleetpulseConfig withTokens = loader.load(file, Map.of(), List.of());
    assertThat(ApiSection.settings(withTokens.api(), 0).tokens()).hasSize(1);
    new io.fleetpulse.launcher.allinone.AllInOne(withTokens).close();

    FleetpulseConfig open = loader.load(null, Map.of("FLEETPULSE_API_HOST", "0.0.0.0"), List.of());
    assertThatThrownBy(() -> new io.fleetpulse.launcher.allinone.AllInOne(open))
        .isInstanceOf(ConfigException.class).hasMessageContaining("Refusing to bind the API to 0.0.0.0")
        .hasMessageContaining("./fleetpulse token");

    Files.writeString(file, "api:\n  tokens:\n    - {name: x, role: root, sha256: abc}\n");
    FleetpulseConfig badRole = loader.load(file, Map.of(), List.of());
    assertThatThrownBy(() -> ApiSection.settings(badRole.api(), 0)).isInstanceOf(ConfigException.class).hasMessageContaining("viewer or admin");
  }

  @Test
  void aCollectorBeyondLoopbackNeedsDeviceAuthenticationOnEveryPushEndpointAndHalfASettingIsRefused() {
    List<String> network = List.of("collector.host=0.0.0.0");
    assertThatThrownBy(() -> new io.fleetpulse.launcher.role.CollectorRole(loader.load(null, Map.of(), network)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("Refusing to bind the collector to 0.0.0.0")
        .hasMessageContaining("collector.deviceTokensFile");
    List<String> tokensInClearText = List.of("collector.host=0.0.0.0", "collector.deviceTokensFile=/etc/fleetpulse/tokens");
    assertThatThrownBy(() -> new io.fleetpulse.launcher.role.CollectorRole(loader.load(null, Map.of(), tokensInClearText)))
        .as("tokens over plain HTTP beyond loopback").isInstanceOf(ConfigException.class).hasMessageContaining("over HTTPS");
    new io.fleetpulse.launcher.role.CollectorRole(loader.load(null, Map.of(), List.of("collector.host=0.0.0.0",
        "collector.deviceTokensFile=/etc/fleetpulse/tokens", "collector.tls.certFile=c.pem", "collector.tls.keyFile=k.pem")));

    assertThatThrownBy(() -> new io.fleetpulse.launcher.role.CollectorRole(loader.load(null, Map.of(),
        List.of("collector.tls.clientCaFile=ca.pem"))))
        .as("a client CA without HTTPS is no mTLS").isInstanceOf(ConfigException.class)
        .hasMessageContaining("collector.tls.clientCaFile is set but collector.tls.certFile is not");
    assertThatThrownBy(() -> new io.fleetpulse.launcher.role.CollectorRole(loader.load(null, Map.of(),
        List.of("collector.tls.certFile=c.pem")))).isInstanceOf(ConfigException.class).hasMessageContaining("go together");
  }

  @Test
  void theNewLimitsAreCheckedAndNamed() {
    assertThatThrownBy(() -> new io.fleetpulse.launcher.role.CollectorRole(loader.load(null, Map.of(),
        List.of("collector.limits.inFlightBytes=1000")))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("collector.limits.inFlightBytes must be 0 (no budget) or at least");
    assertThatThrownBy(() -> loader.load(null, Map.of(), List.of("pipeline.maxProcessingDelaySeconds=0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("pipeline.maxProcessingDelaySeconds");
    FleetpulseConfig defaults = loader.load(null, Map.of(), List.of());
    assertThat(defaults.collector().limits().maxConnections()).as("0: derived from the descriptor limit").isZero();
    assertThat(defaults.pipeline().maxProcessingDelaySeconds()).isEqualTo(120);
    assertThat(defaults.streams().commitIntervalMs()).isEqualTo(200);
    assertThat(loader.load(null, Map.of(), List.of("streams.commitIntervalMs=1000")).streams().commitIntervalMs()).isEqualTo(1000);
    assertThatThrownBy(() -> loader.load(null, Map.of(), List.of("streams.commitIntervalMs=0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("streams.commitIntervalMs must be between 10 and 60000");
  }

  @Test
  void notifierRoutesComeFromTheFileWithSecretsFromTheEnvironment() throws Exception {
    Path file = dir.resolve("routes.yaml");
    Files.writeString(file, """
        notifications:
          publicUrl: https://fleet.example.com
          routes:
            - name: support-chat
              type: slack
              url: ${SLACK_URL}
              severities: [critical]
            - name: sre
              type: alertmanager
              url: http://alertmanager:9093/api/v2/alerts
            - name: support-bot
              type: slack
              token: ${SLACK_BOT_TOKEN}
              channel: C0123ABCD
        """);
    FleetpulseConfig config = loader.load(file, Map.of(), List.of());
    List<io.fleetpulse.api.notify.NotifyRoute> routes = NotifyRoutes.of(config.notifications().routes(),
        Map.of("SLACK_URL", "https://hooks.slack.com/services/T/B/X", "SLACK_BOT_TOKEN", "xoxb-1-2-secret"));

    assertThat(routes).hasSize(3);
    assertThat(routes.get(2).slackBot()).isTrue();
    assertThat(routes.get(2).url()).isEqualTo(io.fleetpulse.api.notify.NotifyRoute.SLACK_API);
    assertThat(routes.get(2).channel()).isEqualTo("C0123ABCD");
    assertThat(routes.get(2).toString()).doesNotContain("xoxb");
    assertThat(routes.get(0).url()).isEqualTo("https://hooks.slack.com/services/T/B/X");
    assertThat(routes.get(0).match().severities()).containsExactly("critical");
    assertThat(routes.get(0).toString()).doesNotContain("hooks.slack.com");
    assertThat(routes.get(1).type()).isEqualTo(io.fleetpulse.api.notify.NotifyRoute.ReceiverType.ALERTMANAGER);
    assertThatThrownBy(() -> NotifyRoutes.of(config.notifications().routes(), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("${SLACK_URL}");
  }
}
