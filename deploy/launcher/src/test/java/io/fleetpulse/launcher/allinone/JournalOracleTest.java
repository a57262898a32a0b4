package io.fleetpulse.launcher.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.collector.push.ExportWriter;
import io.fleetpulse.collector.push.SystemdPeers;
import io.fleetpulse.launcher.FleetpulseCli;
import io.fleetpulse.launcher.config.ConfigLoader;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.fleetpulse.kafka.JournalFixtures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The real journalctl is the oracle (issue 26): a device's journal, two boots of balena's engine, systemd, the
 * kernel, chrony and a line with neither identifier nor command, is made a real journal file by
 * systemd-journal-remote and pushed by the real systemd-journal-upload; then every selection the journal endpoint
 * offers as text must print byte for byte what {@code TZ=UTC journalctl --directory … -o short-iso} prints for the
 * same filters.
 */
class JournalOracleTest {

  private static final String DEVICE = "0ac1e000000000000000000000000001";
  private static final String FIRST_BOOT = "6ce386d4e891e05cda4946fa3e7b2438";
  private static final String SECOND_BOOT = "aaf0b2c3d4e5f60718293a4b5c6d7e8f";
  private static final int LINES_PER_BOOT = 30;
  private static final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void everySelectionPrintsWhatJournalctlPrints() throws Exception {
    SystemdPeers.assumeInstalled();
    Path journal = SystemdPeers.journalDirectory(dir, deviceJournal());
    FleetpulseConfig config = new ConfigLoader().load(null, Map.of(), List.of("dataDir=" + dir.resolve("data"), "embedded.port=0",
        "embedded.controllerPort=0", "collector.port=0", "api.port=0", "kafka.partitions=2"));
    try (AllInOne fleetpulse = new AllInOne(config).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> get(fleetpulse, "/readyz", "application/json").statusCode() == 200);
      SystemdPeers.Result upload = SystemdPeers.upload(journal,
          "http://127.0.0.1:" + fleetpulse.collectorPort() + "/fleets/harbor/devices/" + DEVICE, dir.resolve("state"), List.of());
      assertThat(upload.exitCode()).as(upload.output()).isZero();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        HttpResponse<String> all = get(fleetpulse, journalPath("limit=1000"), "application/json");
        return all.statusCode() == 200 && new JsonObject(all.body()).getJsonArray("entries").size() == 2 * LINES_PER_BOOT;
      });

      assertSamePrint(fleetpulse, journal, "limit=1000");
      assertSamePrint(fleetpulse, journal, "limit=7", "-n", "7");
      assertSamePrint(fleetpulse, journal, "unit=balena.service&limit=1000", "-u", "balena.service");
      assertSamePrint(fleetpulse, journal, "unit=balena&limit=1000", "-u", "balena");
      assertSamePrint(fleetpulse, journal, "identifier=kernel&limit=1000", "-t", "kernel");
      assertSamePrint(fleetpulse, journal, "priority=4&limit=1000", "-p", "4");
      assertSamePrint(fleetpulse, journal, "priority=warning&limit=1000", "-p", "warning");
      assertSamePrint(fleetpulse, journal, "boot=-1&limit=1000", "-b", "-1");
      assertSamePrint(fleetpulse, journal, "boot=0&limit=1000", "-b", "0");
      assertSamePrint(fleetpulse, journal, "boot=" + FIRST_BOOT + "&limit=1000", "-b", FIRST_BOOT);
      assertSamePrint(fleetpulse, journal, "boot=-1&unit=balena.service&priority=3&limit=1000", "-b", "-1", "-u", "balena.service", "-p", "3");

      // The engine killed again and again is a CRASHLOOP: its journal link gives the lines around its first evidence line, a slice
      // of what journalctl prints.
      JsonObject crashloop = await().atMost(Duration.ofSeconds(60)).until(() -> firstAlert(fleetpulse), alert -> alert != null);
      String link = crashloop.getString("journal");
      assertThat(link).isEqualTo("/api/v1/devices/" + DEVICE + "/journal?alert=" + crashloop.getString("id"));
      HttpResponse<String> around = get(fleetpulse, link + "&before=3&after=4", "text/plain");
      assertThat(around.body().lines().filter(line -> !line.startsWith("-- Boot "))).hasSize(7)
          .anyMatch(line -> line.endsWith(crashloop.getJsonArray("evidence").getString(0)));
      assertThat(journalctl(journal)).contains(around.body());

      // The support engineer's CLI prints the same.
      StringWriter printed = new StringWriter();
      CommandLine cli = new CommandLine(new FleetpulseCli());
      cli.setOut(new PrintWriter(printed));
      assertThat(cli.execute("journal", DEVICE, "--api", "http://127.0.0.1:" + fleetpulse.apiPort(), "-u", "balena", "-b", "-1", "-n", "1000"))
          .isZero();
      assertThat(printed.toString()).isEqualTo(journalctl(journal, "-u", "balena", "-b", "-1"));

      // Following: the newest line, then a line pushed afterwards, as server-sent events; the unit filter holds for both.
      List<String> events = new CopyOnWriteArrayList<>();
      HttpRequest follow = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fleetpulse.apiPort()
          + journalPath("follow=true&limit=1&unit=balena.service"))).header("Accept", "text/event-stream").build();
      CompletableFuture<HttpResponse<Stream<String>>> stream = http.sendAsync(follow, HttpResponse.BodyHandlers.ofLines());
      HttpResponse<Stream<String>> following = stream.get(30, TimeUnit.SECONDS);
      assertThat(following.headers().firstValue("Content-Type")).hasValue("text/event-stream");
      Thread reader = new Thread(() -> following.body().filter(line -> line.startsWith("data: ")).forEach(events::add), "follow-reader");
      reader.setDaemon(true);
      reader.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
      assertThat(new JsonObject(events.get(0).substring(6)).getString("message")).contains("status=9/KILL");
      String pushed = "{\"__REALTIME_TIMESTAMP\":\"" + System.currentTimeMillis() * 1000 + "\",\"__MONOTONIC_TIMESTAMP\":\"999000000\","
          + "\"__SEQNUM\":\"5000\",\"__SEQNUM_ID\":\"5e9c1a2b5e9c1a2b5e9c1a2b5e9c1a2b\",\"_BOOT_ID\":\"" + SECOND_BOOT + "\",\"PRIORITY\":\"6\","
          + "\"SYSLOG_IDENTIFIER\":\"balenad\",\"_PID\":\"812\",\"_SYSTEMD_UNIT\":\"balena.service\",\"MESSAGE\":\"followed line\"}\n";
      assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fleetpulse.collectorPort() + "/fleets/harbor/devices/"
          + DEVICE + "/entries")).header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(pushed)).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(15)).until(() -> events.size() == 2);
      assertThat(new JsonObject(events.get(1).substring(6)).getString("message")).isEqualTo("followed line");
      following.body().close();

      assertThat(get(fleetpulse, journalPath("boot=-5"), "text/plain").statusCode()).isEqualTo(400);
      assertThat(get(fleetpulse, journalPath("priority=loud"), "text/plain").body()).contains("priority");
      assertThat(get(fleetpulse, journalPath("before=100000&around=2026-01-01T00:00:00Z"), "text/plain").statusCode()).isEqualTo(400);
      assertThat(get(fleetpulse, "/api/v1/devices/0ac1e000000000000000000000000099/journal", "application/json").statusCode())
          .isEqualTo(404);
    }
  }

  /**
   * The masterclass's excerpts (real lines: openvpn, chrony, the supervisor, the kernel, binary messages) pushed as
   * journalctl JSON lines, one device each, print as journalctl prints the same entries from a real journal file.
   */
  @Test
  void theMasterclassExcerptsPrintAsJournalctlPrintsThem() throws Exception {
    SystemdPeers.assumeInstalled();
    List<Path> fixtures;
    try (Stream<Path> files = Files.list(JournalFixtures.dir().resolve("masterclass"))) {
      fixtures = files.filter(file -> file.toString().endsWith(".ndjson")).sorted().toList();
    }
    FleetpulseConfig config = new ConfigLoader().load(null, Map.of(), List.of("dataDir=" + dir.resolve("data"), "embedded.port=0",
        "embedded.controllerPort=0", "collector.port=0", "api.port=0", "kafka.partitions=2"));
    try (AllInOne fleetpulse = new AllInOne(config).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> get(fleetpulse, "/readyz", "application/json").statusCode() == 200);
      for (int i = 0; i < fixtures.size(); i++) {
        String device = String.format("0ac1e0%026x", 100 + i);
        String lines = Files.readString(fixtures.get(i), StandardCharsets.UTF_8);
        HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fleetpulse.collectorPort()
            + "/fleets/harbor/devices/" + device + "/entries")).header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(lines)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(pushed.statusCode()).as(fixtures.get(i) + ": " + pushed.body()).isEqualTo(202);
      }
      for (int i = 0; i < fixtures.size(); i++) {
        String device = String.format("0ac1e0%026x", 100 + i);
        Path journal = SystemdPeers.journalDirectory(Files.createDirectories(dir.resolve("fixture-" + i)),
            exportOf(Files.readAllLines(fixtures.get(i), StandardCharsets.UTF_8)));
        String expected = journalctl(journal);
        String path = "/api/v1/devices/" + device + "/journal?limit=1000";
        await().atMost(Duration.ofSeconds(60)).until(() -> get(fleetpulse, path, "text/plain").body().lines().count()
            >= expected.lines().count());
        assertThat(get(fleetpulse, path, "text/plain").body()).as(fixtures.get(i).getFileName().toString()).isEqualTo(expected);
      }
    }
  }

  /** journalctl JSON lines in the Journal Export Format: text fields as they are, multi-line and byte-array fields as binary. */
  private static byte[] exportOf(List<String> jsonLines) {
    ExportWriter export = new ExportWriter();
    for (String line : jsonLines) {
      if (line.isBlank()) {
        continue;
      }
      JsonObject entry = new JsonObject(line);
      for (String name : entry.fieldNames()) {
        Object value = entry.getValue(name);
        if (value instanceof JsonArray bytes) {
          byte[] raw = new byte[bytes.size()];
          for (int b = 0; b < raw.length; b++) {
            raw[b] = (byte) bytes.getInteger(b).intValue();
          }
          export.binary(name, raw);
        } else if (value.toString().contains("\n")) {
          export.binary(name, value.toString().getBytes(StandardCharsets.UTF_8));
        } else {
          export.text(name, value.toString());
        }
      }
      export.endEntry();
    }
    return export.bytes();
  }

  private static JsonObject firstAlert(AllInOne fleetpulse) throws Exception {
    HttpResponse<String> alerts = get(fleetpulse, "/api/v1/alerts?device=" + DEVICE, "application/json");
    return alerts.statusCode() != 200 || new JsonObject(alerts.body()).getJsonArray("alerts").isEmpty() ? null
        : new JsonObject(alerts.body()).getJsonArray("alerts").getJsonObject(0);
  }

  /** Two boots of a device: the engine's lines, systemd's about it, the kernel's, chrony's and an anonymous one. */
  private static byte[] deviceJournal() {
    ExportWriter export = new ExportWriter();
    long start = (System.currentTimeMillis() - Duration.ofHours(2).toMillis()) * 1000;
    int seqnum = 1;
    for (String boot : List.of(FIRST_BOOT, SECOND_BOOT)) {
      long bootStart = boot.equals(FIRST_BOOT) ? start : start + Duration.ofMinutes(30).toNanos() / 1000;
      for (int i = 0; i < LINES_PER_BOOT; i++) {
        long monotonic = 3_000_000L + i * 1_700_000L;
        export.text("__REALTIME_TIMESTAMP", Long.toString(bootStart + monotonic)).text("__MONOTONIC_TIMESTAMP", Long.toString(monotonic))
            .text("__SEQNUM", Integer.toString(seqnum++)).text("__SEQNUM_ID", "5e9c1a2b5e9c1a2b5e9c1a2b5e9c1a2b")
            .text("_BOOT_ID", boot).text("_MACHINE_ID", "0123456789abcdef0123456789abcdef").text("_HOSTNAME", "0ac1e00");
        switch (i % 5) {
          case 0 -> export.text("PRIORITY", "6").text("_TRANSPORT", "stdout").text("SYSLOG_IDENTIFIER", "balenad").text("_PID", "812")
              .text("_SYSTEMD_UNIT", "balena.service").text("MESSAGE", "level=info msg=\"shim started\" line=" + i);
          case 1 -> export.text("PRIORITY", i % 3 == 0 ? "3" : "5").text("_TRANSPORT", "journal").text("SYSLOG_IDENTIFIER", "systemd")
              .text("_PID", "1").text("_SYSTEMD_UNIT", "init.scope").text("UNIT", "balena.service")
              .text("MESSAGE", "balena.service: Main process exited, code=killed, status=9/KILL");
          case 2 -> export.text("PRIORITY", "4").text("_TRANSPORT", "kernel").text("SYSLOG_IDENTIFIER", "kernel")
              .text("MESSAGE", "mmc0: Timeout waiting for hardware interrupt. line " + i);
          case 3 -> export.text("PRIORITY", "4").text("_TRANSPORT", "syslog").text("SYSLOG_IDENTIFIER", "chronyd").text("_PID", "702")
              .text("_SYSTEMD_UNIT", "chronyd.service").text("MESSAGE", "System clock wrong by 2.5 seconds, adjustment started");
          default -> export.text("PRIORITY", "6").text("_TRANSPORT", "stdout").text("MESSAGE", "a line with no name " + i);
        }
        export.endEntry();
      }
    }
    return export.bytes();
  }

  private void assertSamePrint(AllInOne fleetpulse, Path journal, String query, String... journalctlArgs) throws Exception {
    HttpResponse<String> ours = get(fleetpulse, journalPath(query), "text/plain");
    assertThat(ours.statusCode()).as(query + ": " + ours.body()).isEqualTo(200);
    assertThat(ours.body()).as("?" + query + " against journalctl " + String.join(" ", journalctlArgs)).isEqualTo(journalctl(journal,
        journalctlArgs));
  }

  private static String journalctl(Path journal, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("journalctl", "--directory=" + journal, "-o", "short-iso", "--no-pager"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("TZ", "UTC");
    Process process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  private static String journalPath(String query) {
    return "/api/v1/devices/" + DEVICE + "/journal?" + query;
  }

  private static HttpResponse<String> get(AllInOne fleetpulse, String path, String accept) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fleetpulse.apiPort() + path)).header("Accept", accept).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
