package io.fleetpulse.launcher.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.launcher.config.ConfigLoader;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole product from the outside: push journal lines over HTTP, read the events back over REST,
 * through a real embedded broker, the collector, the streams and the API in one process.
 */
class AllInOneTest {

  private static final String DEVICE = "e2e00000000000000000000000000001";
  /** A device whose key lands on the other of the two partitions than DEVICE's. */
  private static final String QUIET_DEVICE = java.util.stream.IntStream.range(2, 100)
      .mapToObj(i -> String.format("e2e%029d", i)).filter(uuid -> partition(uuid) != partition(DEVICE)).findFirst().orElseThrow();
  private static final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dataDir;

  @Test
  void twoSigkillsOfTheEngineAreServedAsEventsAndSurviveARestart() throws Exception {
    FleetpulseConfig config = new ConfigLoader().load(null, Map.of(), List.of(
        "dataDir=" + dataDir, "embedded.port=0", "embedded.controllerPort=0", "collector.port=0", "api.port=0", "kafka.partitions=2"));

    try (AllInOne fleetpulse = new AllInOne(config).start()) {
      awaitReady(fleetpulse);
      HttpResponse<String> pushed = post(fleetpulse, "/fleets/harbor/devices/" + DEVICE + "/entries", engineKilledTwice());
      assertThat(pushed.statusCode()).isEqualTo(202);

      JsonArray events = await().atMost(Duration.ofSeconds(30))
          .until(() -> events(fleetpulse, ""), found -> found.size() == 2);
      assertThat(events.stream().map(JsonObject.class::cast)).allSatisfy(event -> {
        assertThat(event.getString("kind")).isEqualTo("UNIT_RESTART");
        assertThat(event.getString("unit")).isEqualTo("balena.service");
        assertThat(event.getJsonObject("details").getString("clean")).isEqualTo("false");
        assertThat(event.getJsonObject("details").getString("signal")).isEqualTo("KILL");
      });
      // Newest first; both at the device's own (plausible) times, 40 s apart.
      assertThat(events.getJsonObject(0).getString("at")).isEqualTo(isoAt(40));
      assertThat(events.getJsonObject(1).getString("at")).isEqualTo(isoAt(0));
      assertThat(events(fleetpulse, "?limit=1")).hasSize(1);
      assertThat(events(fleetpulse, "?kind=TIME_JUMP")).isEmpty();
      assertThat(get(fleetpulse, "/api/v1/devices/" + DEVICE + "/events?from=yesterday").statusCode()).isEqualTo(400);

      // A device on the other partition whose lines make health but no event: its task then holds state in every
      // store but the events store, the case Kafka Streams took for corrupt after a clean stop.
      assertThat(post(fleetpulse, "/fleets/harbor/devices/" + QUIET_DEVICE + "/entries", quietLine()).statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(30)).until(() -> get(fleetpulse, "/api/v1/devices/" + QUIET_DEVICE + "/health").statusCode() == 200);
    }

    try (AllInOne restarted = new AllInOne(config).start()) {
      awaitReady(restarted);
      assertThat(await().atMost(Duration.ofSeconds(60)).until(() -> events(restarted, ""), found -> found.size() == 2)).hasSize(2);
      assertThat(restoredRecords(restarted)).as("a clean stop leaves every store checkpointed: nothing to restore")
          .isEqualTo(Map.of());
    }
  }

  private static final long BASE_SECONDS = System.currentTimeMillis() / 1000 - 3600;

  private static String isoAt(int offsetSeconds) {
    return java.time.Instant.ofEpochSecond(BASE_SECONDS + offsetSeconds).toString();
  }

  private static String engineKilledTwice() {
    String line = """
        {"__REALTIME_TIMESTAMP":"%d","__MONOTONIC_TIMESTAMP":"%d","__SEQNUM":"%d","__SEQNUM_ID":"bf0622d239515d53966c04b3098f35d8",\
        "_BOOT_ID":"6ce386d4e891e05cda4946fa3e7b2438","PRIORITY":"6","_TRANSPORT":"journal","SYSLOG_IDENTIFIER":"systemd","_PID":"1",\
        "_SYSTEMD_UNIT":"init.scope","UNIT":"balena.service","MESSAGE":"balena.service: Main process exited, code=killed, status=9/KILL"}
        """;
    return line.formatted(BASE_SECONDS * 1_000_000, 60_000_000L, 1001)
        + line.formatted((BASE_SECONDS + 40) * 1_000_000, 100_000_000L, 1002);
  }

  /** Records restored from changelogs since start, by store, from /metrics (only stores that restored any). */
  private static Map<String, Double> restoredRecords(AllInOne fleetpulse) throws Exception {
    Map<String, Double> restored = new java.util.TreeMap<>();
    java.util.regex.Matcher line = java.util.regex.Pattern.compile(
        "^fleetpulse_streams_restored_records_total\\{store=\"([^\"]+)\"\\} ([0-9.eE+]+)$", java.util.regex.Pattern.MULTILINE)
        .matcher(get(fleetpulse, "/metrics").body());
    while (line.find()) {
      if (Double.parseDouble(line.group(2)) > 0) {
        restored.put(line.group(1), Double.parseDouble(line.group(2)));
      }
    }
    return restored;
  }

  private static int partition(String key) {
    return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
        key.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % 2;
  }

  private static String quietLine() {
    return """
        {"__REALTIME_TIMESTAMP":"%d","__MONOTONIC_TIMESTAMP":"70000000","__SEQNUM":"7","__SEQNUM_ID":"c0ffee","_BOOT_ID":"6ce386d4e891e05cda4946fa3e7b2438",\
        "PRIORITY":"6","_TRANSPORT":"stdout","_SYSTEMD_UNIT":"balena.service","MESSAGE":"Container started"}
        """.formatted(BASE_SECONDS * 1_000_000);
  }

  private static void awaitReady(AllInOne fleetpulse) {
    await().atMost(Duration.ofSeconds(60)).until(() -> get(fleetpulse, "/readyz").statusCode() == 200);
  }

  private static JsonArray events(AllInOne fleetpulse, String query) throws Exception {
    HttpResponse<String> response = get(fleetpulse, "/api/v1/devices/" + DEVICE + "/events" + query);
    return response.statusCode() == 200 ? new JsonObject(response.body()).getJsonArray("events") : new JsonArray();
  }

  private static HttpResponse<String> get(AllInOne fleetpulse, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fleetpulse.apiPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(AllInOne fleetpulse, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fleetpulse.collectorPort() + path))
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
