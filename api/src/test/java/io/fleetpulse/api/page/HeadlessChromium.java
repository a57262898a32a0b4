package io.fleetpulse.api.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fleet page as a browser shows it: a real headless Chromium loads a URL, lets the page's scripts
 * fetch and render (virtual time), saves a screenshot and returns the rendered DOM.
 */
public final class HeadlessChromium {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private final Path profile;

  private HeadlessChromium(Path profile) {
    this.profile = profile;
  }

  /** A browser with its own profile directory; the test is skipped, with the reason, where Chromium is missing. */
  public static HeadlessChromium withProfile(Path profile) {
    assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed (scripts/test.sh installs it as root)");
    return new HeadlessChromium(profile);
  }

  /** Loads {@code url}, writes a PNG screenshot to {@code screenshot} and returns the DOM on one line. */
  public String render(String url, Path screenshot) throws Exception {
    Files.createDirectories(screenshot.toAbsolutePath().getParent());
    List<String> common = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        "--virtual-time-budget=15000", "--window-size=1280,1100");
    run(concat(common, "--screenshot=" + screenshot.toAbsolutePath(), url));
    return run(concat(common, "--dump-dom", url)).replace("\n", " ");
  }

  private String run(List<String> command) throws Exception {
    Process chromium = new ProcessBuilder(command).redirectError(profile.resolve("chromium.log").toFile()).start();
    String out = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(chromium.waitFor(60, TimeUnit.SECONDS)).as("chromium finished (log: %s)", profile.resolve("chromium.log")).isTrue();
    return out;
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }
}
