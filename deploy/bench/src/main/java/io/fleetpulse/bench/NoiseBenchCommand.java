package io.fleetpulse.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetpulse bench noise}: what the stack raises over a simulated day of a healthy fleet (the right answer: nothing). */
@Command(
    name = "noise",
    mixinStandardHelpOptions = true,
    header = "Alerts per 1,000 device-days of benign fleet life, through the all-in-one: the right count is zero.",
    description = {
        "Starts the all-in-one (a child process, with the heap ./fleetpulse would give it on this machine) on a fresh data directory "
            + "and ./fleetpulse simulate --profile day: --devices devices living --hours of a healthy fleet's day (reboots without a "
            + "real-time clock, release updates, DHCP renewals, link flaps, VPN ping-restarts, single DNS and TLS blips, disks growing "
            + "slowly), replayed in --minutes as devices uploading what they logged offline, reaching the present as it ends. Once "
            + "every entry is processed and two judging rounds have passed, it counts the alerts (firing and resolved, past "
            + "episodes included), the devices by status and the events by kind. With --scenarios, every failure scenario plays in "
            + "the day's last 15 minutes, and each must be found. Appends a table row to the results file; exits 1 on any alert "
            + "beyond the scenarios', a device WARN or FAIL outside them, or a scenario missed.", ""})
public final class NoiseBenchCommand implements Callable<Integer> {

  @Option(names = "--devices", description = "devices in the fleet (default ${DEFAULT-VALUE})")
  int devices = 1_000;

  @Option(names = "--hours", description = "hours of fleet life (default ${DEFAULT-VALUE})")
  int hours = 24;

  @Option(names = "--minutes", description = "minutes to replay them in (default ${DEFAULT-VALUE})")
  int minutes = 10;

  @Option(names = "--scenarios", description = "mix every failure scenario in, each of which must be detected")
  boolean scenarios;

  @Option(names = "--seed", description = "the simulated fleet's seed (default ${DEFAULT-VALUE})")
  long seed = 42;

  @Option(names = "--java-opts", split = " ", description = "the child JVM's options (default: as ./fleetpulse sizes them)")
  List<String> javaOptions;

  @Option(names = "--results", paramLabel = "FILE", description = "where the table row is appended (default ${DEFAULT-VALUE})")
  Path results = Path.of("docs/benchmarks.md");

  private static final String HEADER_TITLE = "### bench noise (./fleetpulse bench noise --devices N --hours H)";
  private static final String HEADER = "| date | devices | device-days | replayed in | entries | alerts (by kind) | noise: alerts no scenario explains, per 1,000 device-days "
      + "| devices by status | scenarios found | events by kind | took |\n|---|---|---|---|---|---|---|---|---|---|---|\n";

  @Override
  public Integer call() throws Exception {
    NoiseBenchmark.Settings settings = new NoiseBenchmark.Settings(devices, Duration.ofHours(hours), Duration.ofMinutes(minutes), seed,
        scenarios);
    NoiseBenchmark.Result result;
    try (StackUnderTest stack = StackUnderTest.start(javaOptions != null ? javaOptions : FleetBenchCommand.asTheLauncherSizesIt(), List.of())) {
      result = new NoiseBenchmark(settings).run(stack);
    }
    double deviceDays = devices * hours / 24.0;
    Map<String, Long> byKind = result.alerts().stream().collect(Collectors.groupingBy(alert -> alert.getString("kind"), TreeMap::new,
        Collectors.counting()));
    String row = String.format(Locale.ROOT, "| %s | %,d | %,.0f | %d min | %,d | %d%s | %d, %.1f | %s | %s | %s | %d s |%n",
        LocalDateTime.now().truncatedTo(ChronoUnit.MINUTES), devices, deviceDays, minutes, result.entries(), result.alerts().size(),
        byKind.isEmpty() ? "" : " (" + pairs(byKind) + ")", result.noise().size(), 1000 * result.noise().size() / deviceDays, pairs(result.devicesByStatus().getMap()),
        scenarios ? (result.expected() - result.missed().size()) + " of " + result.expected() : "none played",
        pairs(result.eventsByKind().getMap()), result.took().toSeconds());
    System.out.print(HEADER + row);
    ResultsFile.appendRow(results, HEADER_TITLE, HEADER, row);
    if (!result.missed().isEmpty()) {
      System.out.println("Missed: " + String.join(", ", result.missed()));
    }
    for (var alert : result.noise()) {
      System.out.printf("Noise: %s %s (fleet %s, device %s): %s%n", alert.getString("kind"), alert.getString("state"), alert.getString("fleet"),
          alert.getString("device"), alert.getString("summary"));
    }
    long unhealthy = result.devicesByStatus().getLong("WARN", 0L) + result.devicesByStatus().getLong("FAIL", 0L);
    // With scenarios, their devices are unhealthy and alert as they should; without, any unhealthy device is noise.
    boolean quiet = result.noise().isEmpty() && result.missed().isEmpty() && (scenarios || unhealthy == 0);
    return quiet ? 0 : 1;
  }

  private static String pairs(Map<String, ?> counts) {
    return counts.isEmpty() ? "—" : new TreeMap<>(counts).entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue())
        .collect(Collectors.joining(", "));
  }
}
