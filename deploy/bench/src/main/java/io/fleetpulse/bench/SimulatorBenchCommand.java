package io.fleetpulse.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetpulse bench simulator}: the simulated fleet's own cost, against a receiver that costs it nothing. */
@Command(
    name = "simulator",
    mixinStandardHelpOptions = true,
    header = "What ./fleetpulse simulate costs by itself: CPU per device, per entry and per request, and whether it keeps up.",
    description = {
        "Runs --devices simulated devices (every failure scenario, --seed) offering --rate entries per second in all, pushing to a "
            + "sink in a child JVM that answers 202 at once. After --warm-seconds it measures this JVM's CPU (every thread, by kind) "
            + "for --window-seconds, and the simulated seconds per second (below 1: the simulator falls behind). Appends a table "
            + "row to the results file.", ""})
public final class SimulatorBenchCommand implements Callable<Integer> {

  @Option(names = "--devices", description = "devices in the fleet (default ${DEFAULT-VALUE})")
  int devices = 100_000;

  @Option(names = "--rate", description = "journal entries per second offered by the whole fleet (default ${DEFAULT-VALUE})")
  double rate = 4_000;

  @Option(names = "--warm-seconds", description = "seconds before the measured window (default ${DEFAULT-VALUE})")
  int warmSeconds = 60;

  @Option(names = "--window-seconds", description = "measured seconds (default ${DEFAULT-VALUE})")
  int windowSeconds = 60;

  @Option(names = "--seed", description = "the simulated fleet's seed (default ${DEFAULT-VALUE})")
  long seed = 42;

  @Option(names = "--results", paramLabel = "FILE", description = "where the table row is appended (default ${DEFAULT-VALUE})")
  Path results = Path.of("docs/benchmarks.md");

  private static final String HEADER_TITLE = "### bench simulator (./fleetpulse bench simulator --devices N)";
  private static final String HEADER = "| date | devices | entries/s offered, written (scenarios add theirs), accepted | requests/s | simulated s per s | CPU: cores, "
      + "per device and second, per entry, per request | CPU by thread (top 5) |\n|---|---|---|---|---|---|---|\n";

  @Override
  public Integer call() throws Exception {
    SimulatorBenchmark.Result result = new SimulatorBenchmark(new SimulatorBenchmark.Settings(devices, rate,
        Duration.ofSeconds(warmSeconds), Duration.ofSeconds(windowSeconds), seed)).run();
    String row = String.format(Locale.ROOT, "| %s | %,d | %.0f, %.0f, %.0f | %.0f | %.2f | %.2f, %.1f µs, %.0f µs, %.0f µs | %s |%n",
        LocalDateTime.now().truncatedTo(ChronoUnit.MINUTES), devices, rate, result.written() / result.seconds(), result.accepted() / result.seconds(),
        result.requests() / result.seconds(), result.pace(), result.cores(), result.microsPerDeviceSecond(), result.microsPerEntry(),
        result.microsPerRequest(), String.join(", ", result.top(5)));
    ResultsFile.appendRow(results, HEADER_TITLE, HEADER, row);
    System.out.print(HEADER + row);
    return result.pace() >= 0.95 ? 0 : 1;
  }
}
