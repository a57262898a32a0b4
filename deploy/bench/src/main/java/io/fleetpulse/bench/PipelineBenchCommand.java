package io.fleetpulse.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import io.fleetpulse.streams.journal.JournalRetention;
import picocli.CommandLine.Option;

/** {@code fleetpulse bench pipeline}: the streams topology vs a plain KafkaConsumer over the same topics. */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    header = "Journal entries/s through the whole topology (exactly-once) vs a plain KafkaConsumer, same topics, same run.",
    description = {
        "Starts an embedded Kafka broker in a temporary directory and pre-loads the journal topics with --entries "
            + "entries of a 1,000-device fleet's everyday traffic (about 1 %% lines the detectors act on). Then, in the "
            + "same run: a plain KafkaConsumer reads them (bytes, no decoding: the ceiling); Kafka Streams with fleetpulse's "
            + "configuration and a processor that does nothing reads them (the framework's floor); the fleetpulse topology "
            + "(exactly_once_v2) processes them until its committed offsets reach the end (the rates are taken after the "
            + "first tenth of the entries, once warmed up); and end-to-end "
            + "latency is measured at a steady --rate for --seconds (after --warm-up seconds of the same traffic, while the "
            + "freshly started instance settles), from the produce acknowledgement of a device's "
            + "second engine kill to its CRASHLOOP on fleet.alerts (read_committed). Prints a table, appends a dated "
            + "row to the results file and ends with one summary line."})
public final class PipelineBenchCommand implements Callable<Integer> {

  @Option(names = "--entries", description = "journal entries pre-loaded for the throughput run (default ${DEFAULT-VALUE})")
  int entries = 1_000_000;

  @Option(names = "--rate", description = "steady entries/s offered during the latency run (default ${DEFAULT-VALUE})")
  int rate = 20_000;

  @Option(names = "--seconds", description = "length of the latency run (default ${DEFAULT-VALUE})")
  int seconds = 20;

  @Option(names = "--warm-up", paramLabel = "SECONDS",
      description = "steady traffic before the latency run, while the freshly started instance settles (default ${DEFAULT-VALUE})")
  int warmUpSeconds = 10;

  @Option(names = "--commit-interval", paramLabel = "MS",
      description = "Kafka Streams commit.interval.ms for both runs (default: fleetpulse's production setting)")
  Integer commitIntervalMs;

  @Option(names = "--threads", description = "stream threads (default ${DEFAULT-VALUE})")
  int threads = 2;

  @Option(names = "--streams-config", paramLabel = "KEY=VALUE",
      description = "any other Kafka Streams setting for both runs, e.g. max.task.idle.ms=-1 (repeatable)")
  Map<String, String> streamsConfig = new LinkedHashMap<>();

  @Option(names = "--brokers", description = "Kafka brokers in the run (three: a KRaft cluster in this process, topics replicated "
      + "three times with two in sync, as fleetpulse runs on a cluster; default ${DEFAULT-VALUE})")
  int brokers = 1;

  @Option(names = "--journal-lines", description = "each device's journal lines the topology keeps readable, 0 = the journal store off "
      + "(default ${DEFAULT-VALUE}, streams.journalLines)")
  int journalLines = JournalRetention.DEFAULT.lines();

  @Option(names = "--rules", paramLabel = "N", description = "also run the topology with N user rules in force (half regex; "
      + "streams.rules) and compare it with the run without, in the same run (default ${DEFAULT-VALUE}: not run)")
  int rules;

  @Option(names = "--results", paramLabel = "FILE", description = "where the dated row is appended (default ${DEFAULT-VALUE})")
  Path results = Path.of("docs/benchmarks.md");

  @Override
  public Integer call() throws Exception {
    PipelineBenchmark.Result result = new PipelineBenchmark(
        new PipelineBenchmark.Settings(entries, rate, warmUpSeconds, seconds, commitIntervalMs, threads, streamsConfig, brokers, journalLines, rules), System.out).run();
    System.out.println();
    System.out.println(result.table());
    result.appendTo(results);
    System.out.println(result.summaryLine());
    return 0;
  }
}
