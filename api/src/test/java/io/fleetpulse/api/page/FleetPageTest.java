package io.fleetpulse.api.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetpulse.api.ApiStack;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet page in a real headless Chromium: the fleet table lists a crash-looping device and links
 * to it; the device view shows its failing check, its alert with the support hint, and its events.
 * Screenshots land in {@code api/target/fleet-page/}.
 */
@ExtendWith(SharedKafkaBroker.class)
class FleetPageTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final String DEVICE = "fa0000000000000000000000000000e1";
  private static final Path SHOTS = Path.of("target", "fleet-page");
  private static ApiStack stack;

  @BeforeAll
  static void start(EmbeddedKafkaBroker kafka, @TempDir Path stateDir) throws Exception {
    stack = ApiStack.start(kafka, stateDir, "fleet-page-test");
    Instant first = Instant.now().minusSeconds(300);
    stack.write(ApiStack.engineKilled(DEVICE, "harbor", first), ApiStack.engineKilled(DEVICE, "harbor", first.plusSeconds(40)));
    await().atMost(Duration.ofSeconds(30)).until(() -> stack.get("/api/v1/devices/" + DEVICE + "/health").body().contains("\"FAIL\""));
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void theFleetTableListsTheFailingDeviceAndLinksToIt(@TempDir Path profile) throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed (scripts/test.sh installs it as root)");
    String dom = chromium(profile, base() + "/", "fleet.png");

    assertThat(dom).contains("data-ready=\"true\"");
    assertThat(dom).containsPattern("<tr data-uuid=\"" + DEVICE + "\">.*href=\"#/devices/" + DEVICE + "\".*class=\"status FAIL\"");
    assertThat(dom).contains("check_container_engine");
  }

  @Test
  void theDeviceViewShowsChecksAlertsAndEvents(@TempDir Path profile) throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed (scripts/test.sh installs it as root)");
    String dom = chromium(profile, base() + "/#/devices/" + DEVICE, "device.png");

    assertThat(dom).contains("data-ready=\"true\"");
    assertThat(dom).contains("<span class=\"mono\" id=\"device-uuid\">" + DEVICE + "</span>");
    assertThat(dom).containsPattern("data-check=\"check_container_engine\">.*class=\"status FAIL\".*Container engine balena");
    assertThat(dom).containsPattern("<li class=\"alert\">.*CRASHLOOP");
    assertThat(dom).containsPattern("<li class=\"event\">.*UNIT_RESTART.*killed by SIGKILL");
  }

  /** Loads a page in headless Chromium, lets its scripts fetch and render, and returns the DOM. */
  private static String chromium(Path profile, String url, String screenshot) throws Exception {
    Files.createDirectories(SHOTS);
    List<String> common = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        "--virtual-time-budget=15000", "--window-size=1280,1100");
    run(profile, concat(common, "--screenshot=" + SHOTS.resolve(screenshot).toAbsolutePath(), url));
    return run(profile, concat(common, "--dump-dom", url)).replace("\n", " ");
  }

  private static String run(Path profile, List<String> command) throws Exception {
    Process chromium = new ProcessBuilder(command).redirectError(profile.resolve("chromium.log").toFile()).start();
    String out = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(chromium.waitFor(60, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    return out;
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  private static String base() {
    return stack.baseUrl();
  }
}
