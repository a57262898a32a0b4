package io.fleetpulse.bench;

import io.fleetpulse.collector.ssh.simulated.SimulatedFleet;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.schemas.TopicProvisioner;
import io.fleetpulse.schemas.Topics;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.admin.Admin;

/**
 * The SSH tailing benchmark: concurrent device tails in one collector JVM (its own process, with the
 * collector's heap limit, so its heap is measured alone) against the baseline of {@code kcat -P} producing
 * the same journal lines keyed by device into the same broker, in the same run (no SSH, no parsing, no
 * transactions). The devices are a {@link SimulatedFleet} (an in-process MINA server playing balena's
 * proxy), each streaming its journal as fast as SSH flow control allows.
 */
final class SshBenchmark {

  private static final Path KCAT = Path.of("/usr/bin/kcat");
  private static final int KCAT_LINES = 300_000;
  private static final String COLLECTOR_HEAP = "-Xmx1g";

  record Settings(int devices, Duration window, Duration connectTimeout, Path profileDir) {
    Settings {
      if (devices <= 0 || window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("need at least one device and a measuring window of at least one second");
      }
    }
  }

  private final Settings settings;
  private final PrintStream console;

  SshBenchmark(Settings settings, PrintStream console) {
    this.settings = settings;
    this.console = console;
  }

  Result run() throws Exception {
    if (!Files.isExecutable(KCAT)) {
      throw new IllegalStateException("the baseline needs kcat (Debian package kcat) at " + KCAT);
    }
    Path dir = Files.createTempDirectory("fleetpulse-bench-ssh");
    Recording driverProfile = settings.profileDir() == null ? null : startProfile();
    List<String> uuids = IntStream.range(0, settings.devices()).mapToObj(i -> UUID.randomUUID().toString().replace("-", "")).toList();
    try (EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(dir.resolve("kafka"))).start()) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        new TopicProvisioner(6, (short) 1).provision(admin);
      }
      console.println("kcat -P: " + KCAT_LINES + " lines keyed by device …");
      double kcatRate = kcatLinesPerSecond(kafka, dir, uuids);
      console.printf(Locale.ROOT, "kcat -P: %.0f lines/s%n", kcatRate);
      Map<String, String> reported;
      try (SimulatedFleet fleet = new SimulatedFleet(dir, 0, true, 0)) {
        reported = runCollector(kafka, dir, fleet, uuids);
      }
      return new Result(settings.devices(), settings.window(), kcatRate, reported, loadAverage());
    } finally {
      if (driverProfile != null) {
        driverProfile.dump(settings.profileDir().resolve("driver.jfr"));
        driverProfile.close();
        console.println("profiles: " + settings.profileDir().resolve("driver.jfr") + ", " + settings.profileDir().resolve("collector.jfr"));
      }
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** kcat producing the lines the devices stream, keyed by device, with the collector's producer guarantees. */
  private double kcatLinesPerSecond(EmbeddedKafkaBroker kafka, Path dir, List<String> uuids) throws Exception {
    Path input = dir.resolve("kcat-input.tsv");
    try (Writer out = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
      for (int i = 0; i < KCAT_LINES; i++) {
        String uuid = uuids.get(i % uuids.size());
        out.write(uuid + "\t" + SimulatedFleet.entry(uuid, i / uuids.size() + 1));
      }
    }
    Path log = dir.resolve("kcat.log");
    long start = System.nanoTime();
    Process kcat = new ProcessBuilder(KCAT.toString(), "-P", "-b", kafka.bootstrapServers(), "-t", Topics.journalTopicFor("balena-supervisor"),
        "-K", "\t", "-z", "lz4", "-X", "acks=all", "-X", "enable.idempotence=true", "-X", "linger.ms=5", "-l", input.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!kcat.waitFor(10, TimeUnit.MINUTES) || kcat.exitValue() != 0) {
      throw new IllegalStateException("kcat failed: " + Files.readString(log));
    }
    return KCAT_LINES / ((System.nanoTime() - start) / 1e9);
  }

  /** Starts the collector JVM, relays its progress to the console and its log to a file; returns what it reported. */
  private Map<String, String> runCollector(EmbeddedKafkaBroker kafka, Path dir, SimulatedFleet fleet, List<String> uuids) throws Exception {
    Path inventory = Files.writeString(dir.resolve("inventory.yaml"), fleet.inventory(uuids));
    Path knownHosts = Files.writeString(dir.resolve("known_hosts"), fleet.knownHostsLine() + "\n");
    Path log = Path.of(System.getProperty("java.io.tmpdir"), "fleetpulse-bench-ssh-collector.log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), COLLECTOR_HEAP));
    if (settings.profileDir() != null) {
      command.add("-XX:StartFlightRecording=settings=profile,filename=" + settings.profileDir().resolve("collector.jfr"));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), SshBenchCollector.class.getName(),
        inventory.toString(), knownHosts.toString(), kafka.bootstrapServers(), Integer.toString(settings.devices()),
        Long.toString(settings.window().toSeconds()), Long.toString(settings.connectTimeout().toSeconds())));
    console.printf(Locale.ROOT, "collector (%s, own JVM): tailing %d simulated devices; log in %s%n", COLLECTOR_HEAP, settings.devices(), log);
    Process collector = new ProcessBuilder(command).redirectErrorStream(true).start();
    Map<String, String> reported = new HashMap<>();
    long started = System.nanoTime();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(collector.getInputStream(), StandardCharsets.UTF_8));
         BufferedWriter logFile = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      for (String line; (line = lines.readLine()) != null; ) {
        String[] parts = line.split(" ", 2);
        if (parts.length == 2 && parts[0].matches("[A-Z_]+")) {
          reported.put(parts[0], parts[1]);
          report(parts[0], parts[1], (System.nanoTime() - started) / 1e9);
        } else {
          logFile.write(line);
          logFile.newLine();
        }
      }
    }
    if (collector.waitFor() != 0 || !reported.containsKey(SshBenchCollector.HEAP_STREAMING)) {
      throw new IllegalStateException("the collector JVM failed (exit status " + collector.exitValue() + "); see " + log);
    }
    return reported;
  }

  private void report(String key, String value, double seconds) {
    String[] words = value.split(" ");
    switch (key) {
      case SshBenchCollector.PROGRESS -> console.printf(Locale.ROOT, "%6.1f s  %s/%d devices streaming, %,d entries committed%n",
          seconds, words[0], settings.devices(), Long.parseLong(words[1]));
      case SshBenchCollector.CONNECTED -> console.printf(Locale.ROOT, "%6.1f s  %s/%d devices streaming after %.1f s; measuring for %d s%n",
          seconds, words[0], settings.devices(), Long.parseLong(words[1]) / 1000.0, settings.window().toSeconds());
      default -> { }
    }
  }

  private static Recording startProfile() throws IOException, java.text.ParseException {
    Recording recording = new Recording(Configuration.getConfiguration("profile"));
    recording.setName("bench ssh driver");
    recording.start();
    return recording;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  record Result(int devices, Duration window, double kcatRate, Map<String, String> reported, String loadAverage) {

    long streaming() {
      return Long.parseLong(reported.get(SshBenchCollector.STREAMING));
    }

    double connectSeconds() {
      return Long.parseLong(reported.get(SshBenchCollector.CONNECTED).split(" ")[1]) / 1000.0;
    }

    boolean allConnected() {
      return Long.parseLong(reported.get(SshBenchCollector.CONNECTED).split(" ")[0]) >= devices;
    }

    long rate() {
      return Long.parseLong(reported.get(SshBenchCollector.RATE));
    }

    double heapMiB() {
      return Long.parseLong(reported.get(SshBenchCollector.HEAP_STREAMING)) / 1048576.0;
    }

    /** The heap the tailer added, over the sessions that were streaming when it was measured. */
    double heapPerSessionKiB() {
      return (Long.parseLong(reported.get(SshBenchCollector.HEAP_STREAMING)) - Long.parseLong(reported.get(SshBenchCollector.HEAP_IDLE)))
          / 1024.0 / Math.max(1, streaming());
    }

    double ratio() {
      return rate() / kcatRate;
    }

    String table() {
      return String.format(Locale.ROOT, """
          | side | entries/s | devices streaming | connect all | heap after GC | heap per session |
          |---|---|---|---|---|---|
          | kcat -P (baseline: same lines keyed by device, acks=all, idempotent, lz4) | %.0f | — | — | — | — |
          | fleetpulse SSH tailing (exactly-once, collector JVM %s) | %d | %d / %d | %s | %.0f MiB | %.0f KiB |""",
          kcatRate, COLLECTOR_HEAP, rate(), streaming(), devices, connectAll(), heapMiB(), heapPerSessionKiB());
    }

    private String connectAll() {
      return allConnected() ? String.format(Locale.ROOT, "%.1f s", connectSeconds())
          : String.format(Locale.ROOT, "not within %.0f s", connectSeconds());
    }

    String summaryLine() {
      return String.format(Locale.ROOT, "bench ssh: %d entries/s vs kcat %.0f lines/s, ratio %.2f; %d/%d devices streaming, %.0f KiB heap per session",
          rate(), kcatRate, ratio(), streaming(), devices, heapPerSessionKiB());
    }

    /** A dated section of its own, so that it reads right wherever the file ends. */
    void appendTo(Path file) throws IOException {
      String section = String.format(Locale.ROOT, """

          ### bench ssh, %s (%d devices, %d s window, load average %s at the end)

          | devices streaming | connect all | entries/s (SSH, exactly-once) | kcat lines/s | ratio | heap after GC | heap per session |
          |---|---|---|---|---|---|---|
          | %d / %d | %s | %d | %.0f | %.2f | %.0f MiB | %.0f KiB |
          """, LocalDate.now(), devices, window.toSeconds(), loadAverage, streaming(), devices, connectAll(), rate(), kcatRate, ratio(),
          heapMiB(), heapPerSessionKiB());
      Files.writeString(file, section, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }
}
