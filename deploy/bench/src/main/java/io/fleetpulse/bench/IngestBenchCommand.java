package io.fleetpulse.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetpulse bench ingest}: push ingest vs {@code kcat -P} into the same embedded broker. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    header = "Push journalctl JSON from many devices (acks=all) vs kcat -P with the same lines, same broker.",
    description = {
        "Starts an embedded Kafka broker in a temporary directory, produces the lines with kcat -P (acks=all, "
            + "idempotent), then pushes them to the collector from concurrent devices; then measures request latency "
            + "at half of the collector's maximum rate. Prints a table, appends a row to the results file and ends "
            + "with one summary line."})
public final class IngestBenchCommand implements Callable<Integer> {

  @Option(names = "--devices", description = "concurrent pushing devices (default ${DEFAULT-VALUE})")
  int devices = 50;

  @Option(names = "--entries", description = "journal entries per side (default ${DEFAULT-VALUE})")
  int entries = 200_000;

  @Option(names = "--batch", description = "entries per push request (default ${DEFAULT-VALUE})")
  int batch = 500;

  @Option(names = "--brokers", description = "Kafka brokers in the run (three: a KRaft cluster in this process, topics replicated "
      + "three times with two in sync, as fleetpulse runs on a cluster; default ${DEFAULT-VALUE})")
  int brokers = 1;

  @Option(names = "--results", paramLabel = "FILE", description = "where the dated row is appended (default ${DEFAULT-VALUE})")
  Path results = Path.of("docs/benchmarks.md");

  @Override
  public Integer call() throws Exception {
    IngestBenchmark.Result result = new IngestBenchmark(devices, entries, batch, brokers).run();
    System.out.println(result.table());
    result.appendTo(results);
    System.out.println(result.summaryLine());
    return 0;
  }
}
