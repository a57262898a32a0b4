package io.fleetpulse.bench;

import io.fleetpulse.bench.crash.FleetpulseProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleetpulse bench query}: device health lookups vs {@code /healthz}, same server, same run; with
 * {@code --journal}, journal reads around alerts and followed lines under ingest.
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    header = "Device health lookups on random devices at a fixed rate vs /healthz at the same rate, same server.",
    description = {
        "Starts the all-in-one stack (a child process) in a temporary directory, loads the health of --devices devices through the "
            + "collector, then sends --rate requests per second for --seconds to GET /healthz (the HTTP stack alone, the "
            + "baseline) and to GET /api/v1/devices/{uuid}/health on random devices. Latency is measured from when each "
            + "request was due (fixed-rate load, no coordinated omission). Prints a table, appends it to the results "
            + "file and ends with one summary line.",
        "With --journal: loads --lines journal lines per device (2,000 with a crash loop on every --alert-every-th device), "
            + "then, while pushing --ingest-rate entries/s, measures GET /healthz and GET /api/v1/devices/{uuid}/journal?"
            + "alert=ID&before=50&after=50 at --rate, and how long a line pushed to each of --followers followed devices "
            + "takes to reach its follow=true client."})
public final class QueryBenchCommand implements Callable<Integer> {

  @Option(names = "--devices", description = "devices whose health is loaded (default ${DEFAULT-VALUE})")
  int devices = 10_000;

  @Option(names = "--rate", description = "requests per second (default 2,000; 100 with --journal)")
  Integer rate;

  @Option(names = "--seconds", description = "measured seconds per endpoint (default ${DEFAULT-VALUE})")
  int seconds = 30;

  @Option(names = "--journal", description = "measure journal reads around alerts and followed lines under ingest instead")
  boolean journal;

  @Option(names = "--lines", description = "with --journal: journal lines loaded per device (default ${DEFAULT-VALUE})")
  int lines = 100;

  @Option(names = "--alert-every", description = "with --journal: every Nth device keeps 2,000 lines and a crash loop (default ${DEFAULT-VALUE})")
  int alertEvery = 50;

  @Option(names = "--ingest-rate", description = "with --journal: entries/s pushed while measuring (default ${DEFAULT-VALUE})")
  int ingestRate = 20_000;

  @Option(names = "--followers", description = "with --journal: devices followed while measuring (default ${DEFAULT-VALUE})")
  int followers = 20;

  @Option(names = "--results", paramLabel = "FILE", description = "where the dated section is appended (default ${DEFAULT-VALUE})")
  Path results = Path.of("docs/benchmarks.md");

  @Override
  public Integer call() throws Exception {
    if (rate == null) {
      rate = journal ? 100 : 2_000;
    }
    Path dataDir = Files.createTempDirectory("fleetpulse-bench-query");
    int collectorPort = FleetpulseProcess.freePort();
    int apiPort = FleetpulseProcess.freePort();
    // The all-in-one in a process of its own, as users run it: the load generator's threads do not share its JVM.
    FleetpulseProcess stack = FleetpulseProcess.allInOne(dataDir, FleetpulseProcess.freePort(), collectorPort, apiPort,
        List.of("collector.rateLimits.entriesPerSecond=0", "collector.rateLimits.bytesPerSecond=0"));
    try {
      stack.start();
      stack.awaitReady(Duration.ofMinutes(3));
      String collector = "http://127.0.0.1:" + collectorPort;
      if (journal) {
        reportJournal(new JournalQueryBenchmark(new JournalQueryBenchmark.Settings(devices, lines, alertEvery, ingestRate, rate, followers,
            Duration.ofSeconds(seconds))).run(collector, "127.0.0.1", apiPort));
      } else {
        reportHealth(new QueryBenchmark(new QueryBenchmark.Settings(devices, rate, Duration.ofSeconds(seconds)))
            .run(collector, "127.0.0.1", apiPort));
      }
    } finally {
      stack.stop();
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
    return 0;
  }

  private void reportHealth(List<OpenLoopLoad.Result> measured) throws IOException {
    OpenLoopLoad.Result baseline = measured.get(0);
    OpenLoopLoad.Result health = measured.get(1);
    append(String.format(Locale.ROOT, "%n### bench query, %s (%d devices, %d req/s, %d s each)%n%n%s",
        LocalDate.now(), devices, rate, seconds, table(measured)));
    System.out.printf(Locale.ROOT, "bench query: %.1f ms p99 vs baseline %.1f ms p99 (GET /healthz), ratio %.2f%n",
        health.p99(), baseline.p99(), health.p99() / baseline.p99());
  }

  private void reportJournal(JournalQueryBenchmark.Result result) throws IOException {
    List<OpenLoopLoad.Result> rows = new ArrayList<>(result.reads());
    rows.add(result.follow());
    append(String.format(Locale.ROOT, "%n### bench query --journal, %s (%d devices, %d lines each, 2,000 on every %d-th; "
            + "reads at %d req/s for %d s; ingest %.0f entries/s offered, %.0f accepted, %d pushes refused)%n%n%s",
        LocalDate.now(), devices, lines, alertEvery, rate, seconds, result.ingestOffered(), result.ingestAccepted(),
        result.ingestRefused(), table(rows)));
    OpenLoopLoad.Result baseline = result.reads().get(0);
    OpenLoopLoad.Result aroundAlert = result.reads().get(1);
    System.out.printf(Locale.ROOT, "bench query --journal: alert=ID ±50 p99 %.1f ms (goal ≤ 50) vs baseline %.1f ms (GET /healthz); "
            + "followed line p99 %.0f ms (goal ≤ 1000); ingest %.0f of %.0f entries/s%n",
        aroundAlert.p99(), baseline.p99(), result.follow().p99(), result.ingestAccepted(), result.ingestOffered());
  }

  private void append(String section) throws IOException {
    System.out.println(section);
    Files.writeString(results, section, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
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
