package io.fleetpulse.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.api.page.HeadlessChromium;
import io.fleetpulse.launcher.allinone.AllInOne;
import io.fleetpulse.launcher.config.ConfigLoader;
import io.fleetpulse.launcher.deployment.RepositoryFiles;
import io.fleetpulse.simulator.SimulationRun;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ./fleetpulse demo} promises: the all-in-one stack and a simulated fleet, and every
 * injected failure found with its right cause — each device's own alert, and the fleet incident for
 * the network that blocks NTP; then the fleet page as Chromium shows it. The README's screenshots are
 * these: {@code -Dfleetpulse.screenshots=docs} copies them into the repository's {@code docs/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoSmokeTest {

  private static final HttpClient http = HttpClient.newHttpClient();
  private static final Path SHOTS = Path.of("target", "fleet-page");

  private AllInOne stack;
  private SimulationRun fleet;

  @BeforeAll
  void startTheDemo(@TempDir Path dataDir) throws Exception {
    stack = new AllInOne(new ConfigLoader().load(null, Map.of(), List.of("dataDir=" + dataDir, "embedded.port=0",
        "embedded.controllerPort=0", "collector.port=0", "api.port=0"))).start();
    fleet = SimulationRun.everyScenario(50, 3, 2, 42, "http://127.0.0.1:" + stack.collectorPort()).start();
  }

  @AfterAll
  void stop() {
    if (fleet != null) {
      fleet.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void everyInjectedFailureIsDetectedWithItsCause() {
    awaitEveryScenarioDetected();
  }

  @Test
  void theFleetPageShowsTheFailingFleetAndADeviceWithItsCause(@TempDir Path profile) throws Exception {
    HeadlessChromium browser = HeadlessChromium.withProfile(profile);
    JsonArray firing = awaitEveryScenarioDetected();
    String base = "http://127.0.0.1:" + stack.apiPort();

    String fleetPage = browser.render(base + "/", SHOTS.resolve("fleet-page.png"));
    assertThat(fleetPage).contains("data-ready=\"true\"").contains("FLEET_INCIDENT firing").contains("class=\"status FAIL\"");

    JsonObject crashloop = firing.stream().map(JsonObject.class::cast)
        .filter(alert -> alert.getString("kind").equals("CRASHLOOP") && "balena.service".equals(alert.getString("subject")))
        .findFirst().orElseThrow();
    // The alert's own address: the device, with the journal around the alert, its evidence marked.
    String devicePage = browser.render(base + "/#/devices/" + crashloop.getString("device") + "/alerts/" + crashloop.getString("id"),
        SHOTS.resolve("fleet-page-device.png"));
    assertThat(devicePage).containsPattern("data-check=\"check_container_engine\">.*class=\"status FAIL\".*Container engine balena")
        .containsPattern("<li class=\"alert\">.*CRASHLOOP")
        .containsPattern("<pre class=\"journal-lines\">.*<mark>[^<]*balena.service: Main process exited, code=killed, status=9/KILL</mark>");

    String docs = System.getProperty("fleetpulse.screenshots", "");
    if (!docs.isEmpty()) {
      for (String shot : List.of("fleet-page.png", "fleet-page-device.png")) {
        Files.copy(SHOTS.resolve(shot), RepositoryFiles.ROOT.resolve(docs).resolve(shot), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** Waits until every injected scenario has its alert firing; returns the firing alerts. */
  private JsonArray awaitEveryScenarioDetected() {
    String alerts = "http://127.0.0.1:" + stack.apiPort() + "/api/v1/alerts?state=firing&limit=1000";
    AtomicReference<JsonArray> firing = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      // While the stack starts the API answers 503 (no alerts yet): that is "nothing detected yet".
      firing.set(new JsonObject(http.send(HttpRequest.newBuilder(URI.create(alerts)).build(),
          HttpResponse.BodyHandlers.ofString()).body()).getJsonArray("alerts", new JsonArray()));
      List<String> missing = new ArrayList<>();
      fleet.expectations().forEach(expected -> {
        if (firing.get().stream().map(JsonObject.class::cast).noneMatch(expected::detectedBy)) {
          missing.add(expected.deviceUuid().substring(0, 7) + " " + expected.scenario() + " → " + expected.expected());
        }
      });
      assertThat(missing).as("scenarios not detected yet; fleet-level alerts firing: %s",
          firing.get().stream().map(JsonObject.class::cast).filter(alert -> alert.getString("device") == null).toList()).isEmpty();
    });
    return firing.get();
  }
}
