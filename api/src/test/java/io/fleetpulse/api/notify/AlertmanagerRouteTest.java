package io.fleetpulse.api.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A real Alertmanager receives fleetpulse's alerts, and sees them resolve. */
@ExtendWith(SharedKafkaBroker.class)
class AlertmanagerRouteTest {

  private static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
  private static final String DEVICE = "f0000000000000000000000000000a01";

  @TempDir
  Path dir;

  @Test
  void alertmanagerShowsFiringAlertsAndDropsResolvedOnes(EmbeddedKafkaBroker kafka) throws Exception {
    assumeTrue(Files.isExecutable(ALERTMANAGER), "prometheus-alertmanager is not installed (scripts/test.sh installs it as root)");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(2, (short) 1).provision(admin);
    }
    int port = NotifiersTest.freePort();
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(config, """
        route:
          receiver: support-chat
        receivers:
          - name: support-chat
        """);
    Process alertmanager = new ProcessBuilder(ALERTMANAGER.toString(), "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=")
        .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
    HttpClient http = HttpClient.newHttpClient();
    String api = "http://127.0.0.1:" + port + "/api/v2";
    try {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> http.send(HttpRequest.newBuilder(URI.create(api + "/status")).build(), HttpResponse.BodyHandlers.ofString())
              .statusCode() == 200);
      NotifyRoute route = new NotifyRoute("alertmanager", NotifyRoute.ReceiverType.ALERTMANAGER, api + "/alerts", null,
          new AlertMatch(Set.of(), Set.of(), Set.of("am-fleet")));
      try (Notifiers notifiers = new Notifiers(NotifiersTest.settings(kafka, List.of(route)), new SimpleMeterRegistry()).start()) {
        NotifiersTest.publish(kafka, NotifiersTest.crashloop("am-fleet", DEVICE, AlertState.FIRING));

        JsonObject shown = await().atMost(Duration.ofSeconds(30)).until(() -> activeAlerts(http, api), alerts -> alerts.size() == 1)
            .getJsonObject(0);
        assertThat(shown.getJsonObject("labels").getMap()).containsEntry("alertname", "FleetpulseCrashloop")
            .containsEntry("device", DEVICE).containsEntry("fleet", "am-fleet").containsEntry("severity", "critical")
            .containsEntry("subject", "balena.service");
        assertThat(shown.getJsonObject("annotations").getString("summary")).contains("may be crashlooping");

        NotifiersTest.publish(kafka, NotifiersTest.crashloop("am-fleet", DEVICE, AlertState.RESOLVED));
        await().atMost(Duration.ofSeconds(30)).until(() -> activeAlerts(http, api).isEmpty());
      }
    } finally {
      alertmanager.destroy();
      alertmanager.waitFor();
    }
  }

  private static JsonArray activeAlerts(HttpClient http, String api) throws Exception {
    String body = http.send(HttpRequest.newBuilder(URI.create(api + "/alerts?active=true&filter=fleet%3D%22am-fleet%22")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return new JsonArray(body);
  }
}
