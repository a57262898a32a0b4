package io.fleetpulse.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetpulse bench push-memory}: RSS and heap of a collector under concurrent maximum-size pushes. */
@Command(
    name = "push-memory",
    mixinStandardHelpOptions = true,
    header = "Measure a collector's RSS and heap under concurrent maximum-size pushes, with and without its in-flight budget.",
    description = {
        "For each budget (0 = off, the baseline) and each concurrency, starts ./fleetpulse collector in a child JVM "
            + "(-Xmx768m, rate limits off) on an embedded broker of this JVM, then sends that many pushes at once, each "
            + "--push-mib MiB of journalctl JSON lines for its own device. Prints and appends to the results file: RSS before "
            + "and at its peak, peak heap in use, answers (202/503) and entries accepted."})
public final class PushMemoryBenchCommand implements Callable<Integer> {

  @Option(names = "--concurrency", split = ",", description = "pushes at once, per round (default ${DEFAULT-VALUE})")
  List<Integer> concurrency = List.of(8, 64);

  @Option(names = "--budgets-mib", split = ",", description = "collector.limits.inFlightBytes in MiB per round, 0 = off (default ${DEFAULT-VALUE})")
  List<Long> budgetsMib = List.of(0L, 128L, 16L);

  @Option(names = "--push-mib", description = "size of each push (default ${DEFAULT-VALUE}, collector.limits.maxRequestBytes)")
  long pushMib = 64;

  @Option(names = "--results", paramLabel = "FILE", description = "where the dated figures are appended (default ${DEFAULT-VALUE})")
  Path results = Path.of("docs/benchmarks.md");

  @Override
  public Integer call() throws Exception {
    List<PushMemoryBenchmark.Round> rounds = new PushMemoryBenchmark(pushMib * 1024 * 1024).run(budgetsMib, concurrency);
    StringBuilder section = new StringBuilder(String.format(Locale.ROOT, """

        ### bench push-memory, %s (pushes of %d MiB at once, collector -Xmx768m, %d cores)

        | in-flight budget | pushes | RSS idle (MiB) | RSS peak (MiB) | heap in use, peak (MiB) | live after GC, peak (MiB) | 202 | 503 | other | entries accepted | time (s) |
        |---|---|---|---|---|---|---|---|---|---|---|
        """, LocalDateTime.now().truncatedTo(ChronoUnit.MINUTES), pushMib, Runtime.getRuntime().availableProcessors()));
    for (PushMemoryBenchmark.Round round : rounds) {
      section.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f | %d | %d | %d | %d | %.1f |%n",
          round.budgetMib() == 0 ? "off" : round.budgetMib() + " MiB", round.pushes(), round.idleRssMib(), round.peakRssMib(),
          round.peakHeapMib(), round.peakLiveMib(), round.accepted202(), round.refused503(), round.other(), round.entriesAccepted(),
          round.elapsed().toMillis() / 1000.0));
    }
    Files.writeString(results, section, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    System.out.print(section);
    return rounds.stream().allMatch(round -> round.other() == 0) ? 0 : 1;
  }
}
