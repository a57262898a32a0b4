package io.fleetpulse.launcher.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.kafka.JournalFixtures;
import io.fleetpulse.launcher.config.ConfigException;
import io.fleetpulse.launcher.config.ConfigLoader;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleetpulse collector} and {@code fleetpulse api} as separate processes run them, against an
 * external Kafka: the same assertions on every kind of broker (embedded here, a container where Docker exists).
 */
abstract class RolesOnKafkaContract {

  private static final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dataDir;

  /** The broker under test. */
  abstract String bootstrap();

  @Test
  void aPushToTheCollectorRoleIsServedByTheApiRole() throws Exception {
    String device = UUID.randomUUID().toString().replace("-", "");
    FleetpulseConfig config = config("streams.applicationId=roles-" + device);

    try (StandaloneRole collector = new StandaloneRole(StandaloneRole.Kind.COLLECTOR, config).start();
         StandaloneRole api = new StandaloneRole(StandaloneRole.Kind.API, config).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> get(api.port(), "/readyz").statusCode() == 200);

      HttpResponse<String> pushed = post(collector.port(), "/fleets/harbor/devices/" + device + "/entries",
          JournalFixtures.masterclass("00-s2_1-L174.ndjson"));
      assertThat(pushed.statusCode()).isEqualTo(202);

      JsonArray events = await().atMost(Duration.ofSeconds(30))
          .until(() -> events(api.port(), device), found -> found.size() == 1);
      assertThat(events.getJsonObject(0).getString("kind")).isEqualTo("UNIT_RESTART");
      assertThat(events.getJsonObject(0).getString("unit")).isEqualTo("balena.service");

      assertThat(get(collector.opsPort(), "/healthz").body()).contains("UP");
      assertThat(get(collector.opsPort(), "/metrics").body())
          .contains("jvm_memory_used_bytes")
          .contains("vertx_http_server_requests_total{code=\"202\"");
    }
  }

  @Test
  void theCollectorBindsBeyondLoopbackOnlyBehindAnAuthenticatingProxy() {
    assertThatThrownBy(() -> new StandaloneRole(StandaloneRole.Kind.COLLECTOR, config("collector.host=0.0.0.0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("collector.behindAuthenticatingProxy");

    new StandaloneRole(StandaloneRole.Kind.COLLECTOR, config("collector.host=0.0.0.0", "collector.behindAuthenticatingProxy=true")).close();
  }

  @Test
  void anSshOnlyCollectorServesNoPushAndMayExposeItsHealthAndMetrics() throws Exception {
    assertThatThrownBy(() -> new StandaloneRole(StandaloneRole.Kind.COLLECTOR, config("collector.push=false")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("collector.ssh.inventory");

    Path inventory = Files.writeString(dataDir.resolve("inventory.yaml"), "devices: []\n");
    try (StandaloneRole collector = new StandaloneRole(StandaloneRole.Kind.COLLECTOR, config("collector.push=false",
        "collector.host=0.0.0.0", "collector.ssh.inventory=" + inventory, "collector.ssh.transactionalId=ssh-only-" + UUID.randomUUID())).start()) {
      assertThat(collector.port()).as("no push endpoint").isEqualTo(-1);
      assertThat(get(collector.opsPort(), "/healthz").body()).contains("UP");
      assertThat(get(collector.opsPort(), "/metrics").body()).contains("fleetpulse_ssh_devices");
    }
  }

  FleetpulseConfig config(String... more) {
    List<String> flags = new ArrayList<>(List.of("kafka.bootstrap=" + bootstrap(), "kafka.partitions=2",
        "dataDir=" + dataDir, "collector.port=0", "collector.opsPort=0", "api.port=0"));
    flags.addAll(List.of(more));
    return new ConfigLoader().load(null, Map.of(), flags);
  }

  private static JsonArray events(int apiPort, String device) throws Exception {
    HttpResponse<String> response = get(apiPort, "/api/v1/devices/" + device + "/events");
    return response.statusCode() == 200 ? new JsonObject(response.body()).getJsonArray("events") : new JsonArray();
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(int port, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
