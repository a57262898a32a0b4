package io.fleetpulse.bench.crash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetpulse bench crash}: the long kill -9 run of the all-in-one, with its totals and figures. */
@Command(
    name = "crash",
    mixinStandardHelpOptions = true,
    header = "Kill fleetpulse (all-in-one, collector, an api instance or the broker) with SIGKILL under push load, then count what survived.",
    description = {
        "Each run starts fleetpulse (--target ALL_IN_ONE: fleetpulse run; COLLECTOR: a collector and an api on a broker of "
            + "this JVM, the collector killed; API: a collector and two api instances, one of them killed; BROKER: fleetpulse broker, a collector and an api, the broker killed) in child JVMs on a "
            + "fresh data directory; --devices devices push journalctl JSON "
            + "(engine SIGKILL lines) steadily, re-sending each push until it is answered 202. The target is killed "
            + "--kills times, each after a random --min-up..--max-up seconds of being ready, and restarted on the same data. "
            + "Then, from the outside: every acknowledged entry on its journal topic exactly once (read_committed), every "
            + "UNIT_RESTART event exactly once over REST, one FIRING per alert episode, no partition behind an open "
            + "transaction. Prints each failure, 'N passed, M failed', the time to /readyz after each kill, and appends "
            + "the figures to the results file."})
public final class CrashBenchCommand implements Callable<Integer> {

  @Option(names = "--target", description = "what is killed: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
  CrashRun.Target target = CrashRun.Target.ALL_IN_ONE;

  @Option(names = "--runs", description = "independent runs, each on a fresh data directory (default ${DEFAULT-VALUE})")
  int runs = 1;

  @Option(names = "--kills", description = "SIGKILLs per run (default ${DEFAULT-VALUE})")
  int kills = 10;

  @Option(names = "--devices", description = "devices pushing at once (default ${DEFAULT-VALUE})")
  int devices = 30;

  @Option(names = "--pushes", description = "pushes per device; enough to outlast the kills (default ${DEFAULT-VALUE})")
  int pushes = 400;

  @Option(names = "--entries-per-push", description = "journal lines per push (default ${DEFAULT-VALUE})")
  int entriesPerPush = 2;

  @Option(names = "--pace-ms", description = "pause of each device after an acknowledged push (default ${DEFAULT-VALUE})")
  int paceMillis = 200;

  @Option(names = "--min-up", description = "fewest seconds up before a kill (default ${DEFAULT-VALUE})")
  int minUp = 3;

  @Option(names = "--max-up", description = "most seconds up before a kill (default ${DEFAULT-VALUE})")
  int maxUp = 15;

  @Option(names = "--state-devices", description = "devices whose state fleetpulse holds before the first kill (default ${DEFAULT-VALUE})")
  int stateDevices = 0;

  @Option(names = "--seed", description = "random seed of the kill moments (default ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--rolling", description = "a rolling restart instead of kills: each process in turn (with --kills set to their "
      + "number, every one once) is stopped with SIGTERM and started again")
  boolean rolling;

  @Option(names = "--down", paramLabel = "SECONDS", description = "how long a stopped process stays down before it is started "
      + "again, e.g. past the transaction timeouts (default ${DEFAULT-VALUE})")
  int downSeconds = 0;

  @Option(names = "--results", paramLabel = "FILE", description = "where the dated figures are appended (default ${DEFAULT-VALUE})")
  Path results = Path.of("docs/benchmarks.md");

  @Override
  public Integer call() throws Exception {
    if (entriesPerPush * pushes > 1000) {
      System.err.println("fleetpulse bench crash: --pushes x --entries-per-push must be at most 1000 (events are counted over REST, 1000 per page)");
      return 2;
    }
    List<CrashRun.Report> reports = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      Path dataDir = Files.createTempDirectory("fleetpulse-bench-crash");
      System.out.printf("[run %d/%d] data in %s%n", run, runs, dataDir);
      CrashRun.Report report = new CrashRun(new CrashRun.Settings(target, dataDir, devices, pushes, entriesPerPush,
          Duration.ofMillis(paceMillis), kills, Duration.ofSeconds(minUp), Duration.ofSeconds(maxUp), seed + run, stateDevices, rolling,
          Duration.ofSeconds(downSeconds))).run();
      System.out.printf("[run %d/%d] %s%n", run, runs, report.summary());
      report.failures().forEach(failure -> System.out.println("  FAILED: " + failure));
      reports.add(report);
    }
    long passed = reports.stream().filter(CrashRun.Report::passed).count();
    String totals = String.format(Locale.ROOT, "%d passed, %d failed (%d kills in all)", passed, reports.size() - passed,
        reports.stream().mapToInt(CrashRun.Report::kills).sum());
    appendTo(results, reports, totals);
    System.out.println(totals);
    return passed == reports.size() ? 0 : 1;
  }

  private void appendTo(Path file, List<CrashRun.Report> reports, String totals) throws IOException {
    StringBuilder section = new StringBuilder(String.format(Locale.ROOT, """

        ### bench crash --target %s%s, %s (%d devices x %d pushes of %d entries, state of %d more devices, %d kills per run, up %d-%d s between kills)

        | run | kills | entries | re-sends | /readyz after each kill (s) | first start (s) | result |
        |---|---|---|---|---|---|---|
        """, target, (rolling ? " --rolling (SIGTERM)" : "") + (downSeconds > 0 ? " --down " + downSeconds : ""), LocalDateTime.now().truncatedTo(ChronoUnit.MINUTES), devices, pushes, entriesPerPush, stateDevices, kills, minUp, maxUp));
    for (int i = 0; i < reports.size(); i++) {
      CrashRun.Report report = reports.get(i);
      section.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %s | %.1f | %s |%n", i + 1, report.kills(), report.entries(),
          report.resends(), String.join(", ", report.readyAfterKill().stream()
              .map(ready -> String.format(Locale.ROOT, "%.1f", ready.toMillis() / 1000.0)).toList()),
          report.firstStart().toMillis() / 1000.0, report.passed() ? "passed" : report.failures().size() + " failures"));
    }
    section.append("\n").append(totals).append("\n");
    Files.writeString(file, section, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
