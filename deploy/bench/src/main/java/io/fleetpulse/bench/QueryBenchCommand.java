package io.fleetpulse.bench;

import io.fleetpulse.bench.crash.FleetpulseProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetpulse bench query}: device health lookups vs {@code /healthz}, same server, same run. */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    header = "Device health lookups on random devices at a fixed rate vs /healthz at the same rate, same server.",
    description = {
        "Starts the all-in-one stack (a child process) in a temporary directory, loads the health of --devices devices through the "
            + "collector, then sends --rate requests per second for --seconds to GET /healthz (the HTTP stack alone, the "
            + "baseline) and to GET /api/v1/devices/{uuid}/health on random devices. Latency is measured from when each "
            + "request was due (fixed-rate load, no coordinated omission). Prints a table, appends it to the results "
            + "file and ends with one summary line."})
public final class QueryBenchCommand implements Callable<Integer> {

  @Option(names = "--devices", description = "devices whose health is loaded (default ${DEFAULT-VALUE})")
  int devices = 10_000;

  @Option(names = "--rate", description = "requests per second (default ${DEFAULT-VALUE})")
  int rate = 2_000;

  @Option(names = "--seconds", description = "measured seconds per endpoint (default ${DEFAULT-VALUE})")
  int seconds = 30;

  @Option(names = "--results", paramLabel = "FILE", description = "where the dated section is appended (default ${DEFAULT-VALUE})")
  Path results = Path.of("docs/benchmarks.md");

  @Override
  public Integer call() throws Exception {
    Path dataDir = Files.createTempDirectory("fleetpulse-bench-query");
    List<OpenLoopLoad.Result> measured;
    int collectorPort = FleetpulseProcess.freePort();
    int apiPort = FleetpulseProcess.freePort();
    // The all-in-one in a process of its own, as users run it: the load generator's threads do not share its JVM.
    FleetpulseProcess stack = FleetpulseProcess.allInOne(dataDir, FleetpulseProcess.freePort(), collectorPort, apiPort,
        List.of("collector.rateLimits.entriesPerSecond=0", "collector.rateLimits.bytesPerSecond=0"));
    try {
      stack.start();
      stack.awaitReady(Duration.ofMinutes(3));
      measured = new QueryBenchmark(new QueryBenchmark.Settings(devices, rate, Duration.ofSeconds(seconds)))
          .run("http://127.0.0.1:" + collectorPort, "127.0.0.1", apiPort);
    } finally {
      stack.stop();
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
    OpenLoopLoad.Result baseline = measured.get(0);
    OpenLoopLoad.Result health = measured.get(1);
    String table = table(measured);
    System.out.println(table);
    Files.writeString(results, String.format(Locale.ROOT, "%n### bench query, %s (%d devices, %d req/s, %d s each)%n%n%s",
        LocalDate.now(), devices, rate, seconds, table), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    System.out.printf(Locale.ROOT, "bench query: %.1f ms p99 vs baseline %.1f ms p99 (GET /healthz), ratio %.2f%n",
        health.p99(), baseline.p99(), health.p99() / baseline.p99());
    return 0;
  }

  private static String table(List<OpenLoopLoad.Result> results) {
    StringBuilder out = new StringBuilder("| endpoint | requests | achieved req/s | p50 ms | p99 ms | max ms | failures |\n|---|---|---|---|---|---|---|\n");
    for (OpenLoopLoad.Result result : results) {
      out.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.1f | %.1f | %.1f | %d |%n", result.name(), result.requests(), result.rate(),
          result.p50(), result.p99(), result.max(), result.failures()));
    }
    return out.toString();
  }
}
