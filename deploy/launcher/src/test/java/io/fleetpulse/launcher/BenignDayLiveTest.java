package io.fleetpulse.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.launcher.allinone.AllInOne;
import io.fleetpulse.launcher.config.ConfigLoader;
import io.fleetpulse.simulator.SimulationRun;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 30 through the running stack: a day of a healthy fleet's life ({@code simulate --profile day}, ten devices,
 * replayed in 30 s as devices uploading what they logged offline) raises no alert, firing or resolved, and leaves
 * every device OK. The topology's own test ({@code BenignDayTest}) reads units in the order they were written; here
 * each unit's topic is read at its own pace, as in production (a boot sync seen first on a later line alerted here).
 */
class BenignDayLiveTest {

  private static final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aDayOfBenignFleetLifeRaisesNoAlert(@TempDir Path dataDir) throws Exception {
    try (AllInOne stack = new AllInOne(new ConfigLoader().load(null, Map.of(), List.of("dataDir=" + dataDir, "embedded.port=0",
        "embedded.controllerPort=0", "collector.port=0", "api.port=0"))).start();
         SimulationRun fleet = SimulationRun.benignDay(10, 2, 42, Duration.ofHours(24), 2880, false,
             "http://127.0.0.1:" + stack.collectorPort()).start()) {
      String api = "http://127.0.0.1:" + stack.apiPort();
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> fleet.caughtUp()
          && fleet.progress().accepted() == fleet.progress().written() && unprocessed(api) == 0);
      assertThat(fleet.progress().accepted()).as("a day of ten devices' lines").isGreaterThan(8_000);

      // Two judging rounds: held backfill alerts are told or dropped, time-cleared conditions resolved.
      await().during(Duration.ofSeconds(65)).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(alerts(api)).as("alerts over ten device-days of benign life").isEmpty());
      JsonObject devices = get(api + "/api/v1/fleet/summary").getJsonObject("devices");
      assertThat(devices.getInteger("OK")).as(devices.encode()).isEqualTo(10);
      JsonObject kinds = get(api + "/api/v1/fleet/events?hours=30").getJsonObject("kinds");
      assertThat(kinds.getJsonArray("TIME_JUMP").stream().mapToInt(count -> ((Number) count).intValue()).sum())
          .as("each reboot's clock set by chrony, seen (as boot syncs)").isGreaterThanOrEqualTo(10);
    }
  }

  private static List<String> alerts(String api) throws Exception {
    List<String> all = new ArrayList<>();
    for (String state : List.of("firing", "resolved")) {
      JsonArray alerts = get(api + "/api/v1/alerts?state=" + state + "&limit=1000").getJsonArray("alerts");
      alerts.stream().map(JsonObject.class::cast).forEach(alert -> all.add(alert.getString("kind") + " " + alert.getString("state") + ": "
          + alert.getString("summary")));
    }
    return all;
  }

  private static long unprocessed(String api) throws Exception {
    String metrics = http.send(HttpRequest.newBuilder(URI.create(api + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    long lag = 0;
    boolean seen = false;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("fleetpulse_pipeline_read_committed_lag{")) {
        lag += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        seen = true;
      }
    }
    return seen ? lag : Long.MAX_VALUE;
  }

  private static JsonObject get(String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }
}
