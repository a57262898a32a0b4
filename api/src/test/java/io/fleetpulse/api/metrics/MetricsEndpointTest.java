package io.fleetpulse.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetpulse.api.ApiStack;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** /metrics checked by the real Prometheus tools: promtool's linter, and a Prometheus server scraping it. */
@ExtendWith(SharedKafkaBroker.class)
class MetricsEndpointTest {

  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final HttpClient http = HttpClient.newHttpClient();
  private static ApiStack stack;

  @BeforeAll
  static void start(EmbeddedKafkaBroker kafka, @TempDir Path stateDir) {
    stack = ApiStack.start(kafka, stateDir, "metrics-test");
    await().atMost(Duration.ofSeconds(30)).until(stack.streams()::isRunning);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  /**
   * Issue 15: promtool found 32 faults, all in Kafka's own metric names as the Micrometer binders pass them
   * through (KafkaMetricNames renames or leaves them out). Scraped after real traffic, so the client metrics that
   * appear only once requests flow (per-node latency, transactions) are there too.
   */
  @Test
  void exposesJvmVertxAndKafkaStreamsMetricsThatPassPromtoolWithoutAFinding(@TempDir Path dir) throws Exception {
    String device = "cd0000000000000000000000000000b1";
    Instant first = Instant.now().minusSeconds(100);
    stack.write(ApiStack.engineKilled(device, "lint", first), ApiStack.engineKilled(device, "lint", first.plusSeconds(30)));
    await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/v1/devices/" + device + "/health").statusCode() == 200);
    String text = get("/metrics").body();
    assertThat(text).contains("jvm_memory_used_bytes").contains("vertx_http_server_requests_total").contains("kafka_stream_")
        .contains("kafka_producer_connections").doesNotContain("_time_ns_").doesNotContain("kafka_producer_connection_count");

    assumeTrue(Files.isExecutable(PROMTOOL), "promtool is not installed (scripts/test.sh installs the prometheus package as root)");
    Path scrape = dir.resolve("scrape.txt");
    Files.writeString(scrape, text);
    Process promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectInput(scrape.toFile())
        .redirectErrorStream(true).start();
    String verdict = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor()).as("promtool check metrics said:%n%s", verdict).isZero();
    assertThat(verdict.lines().filter(line -> !line.isBlank())).as("promtool check metrics said:%n%s", verdict).isEmpty();
  }

  @Test
  void aRealPrometheusScrapesTheApiAndCountsTheFleetsDevices(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(PROMETHEUS), "prometheus is not installed (scripts/test.sh installs it as root)");
    // Fleet "prom": two crash-looping devices and one healthy one.
    Instant first = Instant.now().minusSeconds(100);
    for (String device : List.of("cd0000000000000000000000000000a1", "cd0000000000000000000000000000a2")) {
      stack.write(ApiStack.engineKilled(device, "prom", first), ApiStack.engineKilled(device, "prom", first.plusSeconds(30)));
    }
    stack.write(ApiStack.chronySelected("cd0000000000000000000000000000a3", "prom", first));
    int port = freePort();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: fleetpulse
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(stack.api().port()));
    Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
        "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    try {
      String api = "http://127.0.0.1:" + port + "/api/v1/query?query=";
      assertThat(await().atMost(Duration.ofSeconds(60)).until(() -> promql(api, "up{job=\"fleetpulse\"}"), value -> value == 1.0)).isEqualTo(1.0);
      await().atMost(Duration.ofSeconds(60)).until(() -> promql(api, "sum(fleetpulse_devices{fleet=\"prom\",status=\"FAIL\"})"), value -> value == 2.0);
      assertThat(promql(api, "sum(fleetpulse_devices{fleet=\"prom\"})")).isEqualTo(3.0);
      assertThat(promql(api, "count(fleetpulse_device_failing{fleet=\"prom\",check=\"check_container_engine\"})")).isEqualTo(2.0);
      assertThat(promql(api, "sum(fleetpulse_alerts_firing{fleet=\"prom\",kind=\"CRASHLOOP\"})")).isEqualTo(2.0);
      assertThat(promql(api, "sum(fleetpulse_events_total{kind=\"UNIT_RESTART\"})")).isGreaterThanOrEqualTo(4.0);
    } finally {
      prometheus.destroy();
      prometheus.waitFor();
    }
  }

  /** The value of an instant PromQL query with one result, or NaN while it has none. */
  private static double promql(String api, String query) {
    try {
      JsonObject answer = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(api + URLEncoder.encode(query, StandardCharsets.UTF_8)))
          .build(), HttpResponse.BodyHandlers.ofString()).body());
      var result = answer.getJsonObject("data").getJsonArray("result");
      return result.isEmpty() ? Double.NaN : Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  private static HttpResponse<String> get(String path) {
    return stack.get(path);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
