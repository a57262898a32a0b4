package io.fleetpulse.collector.ssh;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.schemas.TopicProvisioner;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * {@code bench ssh}: concurrent device tails in one collector JVM (-Xmx1g), against the baseline of
 * kcat producing the same journal lines straight into the same broker (no SSH, no parsing, no
 * transactions). Devices are simulated by an in-process MINA server behind the proxy form, each
 * streaming its journal as fast as SSH flow control allows.
 *
 * <p>Run from the repository root after {@code mvn -B -q package -DskipTests -pl collector -am
 * dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test}:
 * {@code java -Xmx3g -cp collector/target/test-classes:collector/target/classes:$(cat /tmp/cp.txt)
 * io.fleetpulse.collector.ssh.SshTailBenchmark 2000 30}; {@code -Dbench.inflight=BYTES -Dbench.pending=BYTES}
 * override the collector's flow-control limits.
 */
public final class SshTailBenchmark {

  private SshTailBenchmark() {}

  public static void main(String[] args) throws Exception {
    int devices = Integer.parseInt(args[0]);
    int seconds = Integer.parseInt(args[1]);
    Path dir = Files.createTempDirectory("fleetpulse-ssh-bench");
    List<String> uuids = IntStream.range(0, devices).mapToObj(i -> UUID.randomUUID().toString().replace("-", "")).toList();
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(dir.resolve("kafka"))).start()) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        new TopicProvisioner(6, (short) 1).provision(admin);
        admin.createTopics(List.of(new NewTopic("bench.kcat", 6, (short) 1))).all().get();
      }
      double kcatRate = kcat(broker, dir, uuids);

      Map<String, String> results = new HashMap<>();
      try (SimulatedFleet fleet = new SimulatedFleet(dir, 0, true, 0)) {
        Path inventory = Files.writeString(dir.resolve("inventory.yaml"), fleet.inventory(uuids));
        Path knownHosts = Files.writeString(dir.resolve("known_hosts"), fleet.knownHostsLine() + "\n");
        Process collector = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
            "-Dbench.inflight=" + System.getProperty("bench.inflight", ""), "-Dbench.pending=" + System.getProperty("bench.pending", ""),
            "-cp", System.getProperty("java.class.path"), SshBenchCollector.class.getName(),
            inventory.toString(), knownHosts.toString(), broker.bootstrapServers(), Integer.toString(devices), Integer.toString(seconds))
            .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("collector.log").toFile())).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(collector.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = lines.readLine()) != null; ) {
            String[] parts = line.split(" ", 2);
            if (parts.length == 2 && parts[0].matches("[A-Z_]+")) {
              results.put(parts[0], parts[1]);
              System.out.println(line);
            }
          }
        }
        collector.waitFor();
      }
      long rate = Long.parseLong(results.getOrDefault("RATE", "0"));
      long idle = Long.parseLong(results.getOrDefault("HEAP_IDLE", "0"));
      long streaming = Long.parseLong(results.getOrDefault("HEAP_STREAMING", "0"));
      System.out.printf("| devices | streaming | connect all (s) | entries/s (ssh, exactly-once) | kcat lines/s | heap after GC (MiB) | heap per session (KiB) |%n");
      System.out.printf("| %d | %s | %.1f | %d | %.0f | %.0f | %.1f |%n", devices, results.get("STREAMING"),
          Long.parseLong(results.getOrDefault("CONNECTED", "0 0").split(" ")[1]) / 1000.0, rate, kcatRate,
          streaming / 1048576.0, (streaming - idle) / 1024.0 / devices);
      System.out.printf("bench ssh: %d entries/s vs kcat %.0f lines/s, ratio %.2f%n", rate, kcatRate, rate / kcatRate);
      System.out.println("collector log: " + dir.resolve("collector.log"));
    }
  }

  /** kcat producing 300,000 of the same journal lines, keyed by device, with the same producer guarantees. */
  private static double kcat(EmbeddedKafkaBroker broker, Path dir, List<String> uuids) throws Exception {
    int lines = 300_000;
    Path input = dir.resolve("kcat-input.txt");
    try (Writer out = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
      for (int i = 0; i < lines; i++) {
        String uuid = uuids.get(i % uuids.size());
        out.write(uuid + "\t" + SimulatedFleet.entry(uuid, i / uuids.size() + 1));
      }
    }
    long start = System.nanoTime();
    Process kcat = new ProcessBuilder("kcat", "-P", "-b", broker.bootstrapServers(), "-t", "bench.kcat", "-K", "\t", "-z", "lz4",
        "-X", "acks=all", "-X", "enable.idempotence=true", "-X", "linger.ms=5", "-l", input.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("kcat.log").toFile()).start();
    if (kcat.waitFor() != 0) {
      throw new IllegalStateException("kcat failed: " + Files.readString(dir.resolve("kcat.log")));
    }
    double rate = lines / ((System.nanoTime() - start) / 1e9);
    System.out.printf("KCAT %.0f%n", rate);
    return rate;
  }
}
