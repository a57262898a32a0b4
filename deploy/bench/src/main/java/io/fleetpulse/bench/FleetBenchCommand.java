package io.fleetpulse.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetpulse bench fleet}: a fleet of N simulated devices against the all-in-one, as issue 29 measured it. */
@Command(
    name = "fleet",
    mixinStandardHelpOptions = true,
    header = "A simulated fleet of N devices offering a fixed total rate to the all-in-one: what it accepts, lag, memory, reads.",
    description = {
        "Starts the all-in-one (a child process, with the heap ./fleetpulse would give it on this machine unless --java-opts) on a "
            + "fresh data directory and ./fleetpulse simulate's fleet (every failure scenario, --seed) offering --rate entries per "
            + "second in all, spread over --devices devices. After --load-seconds it measures for --window-seconds: entries/s "
            + "accepted (202), requests refused (429/503), health lag (fleetpulse_pipeline_processing_delay_seconds, max), heap used "
            + "(max), share of time in GC pauses, RSS (max), and fixed-rate reads (20/s each) of the device list (first page, a "
            + "page half-way, the failing devices), the fleet summary, firing alerts and one device's health. The live heap after a full GC, before the "
            + "fleet and after it, gives the heap per device. The stack's CPU during the window (Linux's per-thread counters, by "
            + "kind of thread) per push request and per entry; then what a new connection costs the collector's HTTP threads beyond "
            + "its request (the same requests on new and on kept-alive connections). Appends a table row to the results file.", ""})
public final class FleetBenchCommand implements Callable<Integer> {

  @Option(names = "--devices", description = "devices in the fleet (default ${DEFAULT-VALUE})")
  int devices = 10_000;

  @Option(names = "--rate", description = "journal entries per second offered by the whole fleet (default ${DEFAULT-VALUE})")
  double rate = 4_000;

  @Option(names = "--load-seconds", description = "seconds of load before the measured window (default ${DEFAULT-VALUE})")
  int loadSeconds = 240;

  @Option(names = "--window-seconds", description = "measured seconds (default ${DEFAULT-VALUE})")
  int windowSeconds = 60;

  @Option(names = "--seed", description = "the simulated fleet's seed (default ${DEFAULT-VALUE})")
  long seed = 42;

  @Option(names = "--java-opts", split = " ", description = "the child JVM's options (default: as ./fleetpulse sizes them: "
      + "-XX:MaxRAMPercentage=25, serial GC below 8 GiB of RAM, G1 above)")
  List<String> javaOptions;

  @Option(names = "--set", paramLabel = "PATH=VALUE", description = "a setting of the stack, as ./fleetpulse run --set takes it "
      + "(repeatable), e.g. --set streams.commitIntervalMs=1000")
  List<String> settings = new ArrayList<>();

  @Option(names = "--results", paramLabel = "FILE", description = "where the table row is appended (default ${DEFAULT-VALUE})")
  Path results = Path.of("docs/benchmarks.md");

  @Override
  public Integer call() throws Exception {
    FleetBenchmark.Result result;
    try (StackUnderTest stack = StackUnderTest.start(javaOptions != null ? javaOptions : asTheLauncherSizesIt(), settings)) {
      result = new FleetBenchmark(new FleetBenchmark.Settings(devices, rate, Duration.ofSeconds(loadSeconds),
          Duration.ofSeconds(windowSeconds), seed)).run("127.0.0.1", stack.collectorPort, stack.apiPort, stack.pid());
    }
    String row = row(result);
    System.out.println(HEADER + row);
    ResultsFile.appendRow(results, HEADER_TITLE, HEADER, row);
    System.out.printf(Locale.ROOT, "bench fleet: %d devices, %.0f of %.0f entries/s accepted (%.1f %%), health lag max %.1f s, "
            + "%.1f KiB of live heap per device%n", devices, result.acceptedPerSecond(), rate, 100 * result.acceptedPerSecond() / rate,
        result.healthLagMaxSeconds(), result.liveHeapPerDeviceBytes() / 1024);
    System.out.printf(Locale.ROOT, "CPU during the window: %.2f cores, by thread: %s%n", result.cpu().cores(),
        String.join(", ", result.cpu().top(12)));
    return 0;
  }

  private static final String HEADER_TITLE = "### bench fleet (./fleetpulse bench fleet --devices N)";
  private static final String HEADER = "| date | devices | entries/s offered → accepted | 429/503 | health lag max | heap used max | GC time "
      + "| RSS max | live heap per device | devices p50/p99 (CPU per read) (first, half-way, status=FAIL) | summary p50/p99 | firing alerts p50/p99 "
      + "| health p50/p99 | GC pause max | stack CPU: cores, per push request, per entry | CPU per new connection (request alone) "
      + "| CPU by thread (top 5) | JVM |\n"
      + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";

  private String row(FleetBenchmark.Result result) {
    List<FleetBenchmark.Read> reads = result.reads();
    return String.format(Locale.ROOT, "| %s | %,d | %.0f → %.0f (%.1f %%) | %s | %.1f s | %.0f MiB | %.1f %% | %.0f MiB | %.1f KiB "
            + "| %s, %s, %s | %s | %s | %s | %.0f ms | %.2f, %.0f µs, %.0f µs | %.0f µs (%.0f µs) | %s | %s |%n",
        LocalDateTime.now().truncatedTo(ChronoUnit.MINUTES), devices, rate, result.acceptedPerSecond(),
        100 * result.acceptedPerSecond() / rate, refusals(result.refusedRequests()), result.healthLagMaxSeconds(), result.heapUsedMaxMiB(),
        100 * result.gcShare(), result.rssMaxMiB(), result.liveHeapPerDeviceBytes() / 1024, latency(reads.get(0)), latency(reads.get(1)),
        latency(reads.get(2)), latency(reads.get(3)), latency(reads.get(4)), latency(reads.get(5)),
        1000 * result.gcPauseMaxSeconds(), result.cpu().cores(), result.cpu().microsPerPushRequest(), result.cpu().microsPerEntry(),
        result.connections().microsPerConnection(), result.connections().microsPerRequest(), String.join(", ", result.cpu().top(5)),
        String.join(" ", javaOptions != null ? javaOptions : asTheLauncherSizesIt()) + settings.stream().map(set -> " --set " + set)
            .collect(Collectors.joining()));
  }

  private static String refusals(Map<String, Long> byReason) {
    long total = byReason.values().stream().mapToLong(Long::longValue).sum();
    return total == 0 ? "0" : total + " (" + byReason.entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue())
        .collect(Collectors.joining(", ")) + ")";
  }

  private static String latency(FleetBenchmark.Read read) {
    OpenLoopLoad.Result latency = read.latency();
    return String.format(Locale.ROOT, "%.0f/%.0f ms (%.1f ms CPU)%s", latency.p50(), latency.p99(), read.workerMicrosPerRequest() / 1000,
        latency.failures() > 0 ? " (" + latency.failures() + " failed)" : "");
  }

  /** What ./fleetpulse gives the JVM on this machine: a quarter of its memory, the serial GC below 8 GiB, G1 above. */
  static List<String> asTheLauncherSizesIt() {
    long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    return List.of("-XX:MaxRAMPercentage=25", memory >= 8L << 30 ? "-XX:+UseG1GC" : "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
  }
}
