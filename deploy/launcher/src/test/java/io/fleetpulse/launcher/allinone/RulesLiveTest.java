package io.fleetpulse.launcher.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users' rules in the running product: a file's rule raises its alert over REST, a bad file is refused, a new one is in force. */
class RulesLiveTest {

  private static final String DEVICE = "a1e00000000000000000000000000001";
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final String RULES = """
      rules:
        - name: engine_killed
          match:
            unit: balena
            message: {regex: "Main process exited, code=killed, status=(?P<signal>[0-9]+)"}
          event: ENGINE_KILLED
          alert:
            count: 2
            within: 10m
            severity: critical
            check: check_custom_engine
            subject: signal
      """;

  @TempDir
  Path dataDir;

  @Test
  void aRuleRaisesItsAlertOnItsCheckAndANewFileIsInForceWithoutARestart() throws Exception {
    Path rules = Files.writeString(dataDir.resolve("rules.yaml"), RULES);
    FleetpulseConfig config = new ConfigLoader().load(null, Map.of(), List.of("dataDir=" + dataDir, "embedded.port=0",
        "embedded.controllerPort=0", "collector.port=0", "api.port=0", "kafka.partitions=2", "streams.rules=" + rules));

    try (AllInOne fleetpulse = new AllInOne(config).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> get(fleetpulse, "/readyz").statusCode() == 200);
      assertThat(post(fleetpulse, "/fleets/harbor/devices/" + DEVICE + "/entries", engineKilledTwice()).statusCode()).isEqualTo(202);

      JsonObject alert = await().atMost(Duration.ofSeconds(60)).until(() -> firing(fleetpulse, "ENGINE_KILLED"), found -> found != null);
      assertThat(alert.getString("subject")).isEqualTo("9");
      assertThat(alert.getString("severity")).isEqualTo("critical");
      assertThat(alert.getJsonObject("rule").getString("name")).isEqualTo("engine_killed");
      String version = alert.getJsonObject("rule").getString("version");
      JsonObject check = await().atMost(Duration.ofSeconds(30)).until(() -> check(fleetpulse, "check_custom_engine"), found -> found != null);
      assertThat(check.getString("status")).isEqualTo("FAIL");

      JsonObject listed = await().atMost(Duration.ofSeconds(30)).until(() -> rules(fleetpulse),
          answer -> answer.getJsonArray("rules").getJsonObject(0).getInteger("firing") == 1);
      assertThat(listed.getString("version")).isEqualTo(version);
      assertThat(listed.getValue("error")).isNull();
      assertThat(listed.getJsonArray("rules").getJsonObject(0).getInteger("matches24h")).isEqualTo(2);
      assertThat(get(fleetpulse, "/metrics").body()).contains("fleetpulse_rule_matches_total{rule=\"engine_killed\"} 2.0");

      Files.writeString(rules, RULES.replace("status=(?P<signal>", "status=(?P<signal"));
      JsonObject refused = await().atMost(Duration.ofSeconds(15)).until(() -> rules(fleetpulse), answer -> answer.getValue("error") != null);
      assertThat(refused.getString("version")).as("the rules in force stay").isEqualTo(version);
      assertThat(refused.getString("error")).contains("rule engine_killed, match.message.regex: does not compile");

      Files.writeString(rules, RULES.replace("engine_killed", "engine_sigkill"));
      JsonObject renewed = await().atMost(Duration.ofSeconds(15)).until(() -> rules(fleetpulse),
          answer -> !answer.getString("version").equals(version));
      assertThat(renewed.getValue("error")).isNull();
      assertThat(renewed.getJsonArray("rules").getJsonObject(0).getString("name")).isEqualTo("engine_sigkill");
    }

    Files.writeString(rules, "rules: [oops");
    Assertions.assertThatThrownBy(() -> new AllInOne(config).start()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("streams.rules: " + rules + " is refused").hasMessageContaining("not valid YAML");
  }

  private static final long BASE_SECONDS = System.currentTimeMillis() / 1000 - 60;

  private static String engineKilledTwice() {
    String line = """
        {"__REALTIME_TIMESTAMP":"%d","__MONOTONIC_TIMESTAMP":"%d","__SEQNUM":"%d","__SEQNUM_ID":"bf0622d239515d53966c04b3098f35d8",\
        "_BOOT_ID":"6ce386d4e891e05cda4946fa3e7b2438","PRIORITY":"6","_TRANSPORT":"journal","SYSLOG_IDENTIFIER":"systemd","_PID":"1",\
        "_SYSTEMD_UNIT":"init.scope","UNIT":"balena.service","MESSAGE":"balena.service: Main process exited, code=killed, status=9/KILL"}
        """;
    return line.formatted(BASE_SECONDS * 1_000_000, 60_000_000L, 1001) + line.formatted((BASE_SECONDS + 20) * 1_000_000, 80_000_000L, 1002);
  }

  private static JsonObject firing(AllInOne fleetpulse, String kind) throws Exception {
    HttpResponse<String> answer = get(fleetpulse, "/api/v1/alerts?state=firing&device=" + DEVICE);
    if (answer.statusCode() != 200) {
      return null;
    }
    JsonArray alerts = new JsonObject(answer.body()).getJsonArray("alerts");
    return alerts.stream().map(JsonObject.class::cast).filter(alert -> kind.equals(alert.getString("kind"))).findFirst().orElse(null);
  }

  private static JsonObject check(AllInOne fleetpulse, String name) throws Exception {
    HttpResponse<String> answer = get(fleetpulse, "/api/v1/devices/" + DEVICE + "/health");
    if (answer.statusCode() != 200) {
      return null;
    }
    return new JsonObject(answer.body()).getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(check -> name.equals(check.getString("name"))).findFirst().orElse(null);
  }

  private static JsonObject rules(AllInOne fleetpulse) throws Exception {
    return new JsonObject(get(fleetpulse, "/api/v1/rules").body());
  }

  private static HttpResponse<String> get(AllInOne fleetpulse, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fleetpulse.apiPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(AllInOne fleetpulse, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fleetpulse.collectorPort() + path))
            .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
