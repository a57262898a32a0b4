package io.fleetpulse.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fleetpulse bench ssh}: concurrent SSH device tails in one collector JVM vs {@code kcat -P} into the same broker. */
@Command(
    name = "ssh",
    mixinStandardHelpOptions = true,
    header = "Tail many simulated devices over SSH in one collector JVM (-Xmx1g) vs kcat -P with the same lines, same broker.",
    description = {
        "Starts an embedded Kafka broker in a temporary directory and produces journal lines keyed by device with "
            + "kcat -P (acks=all, idempotent, lz4): the baseline. Then an in-process MINA SSH server plays balena's proxy "
            + "for --devices devices, each streaming journalctl JSON as fast as SSH flow control allows, and the SSH "
            + "collector, in a JVM of its own with a 1 GiB heap, tails them all exactly-once into the same broker. Once "
            + "every device streams, it measures committed entries per second for --seconds and the heap after a full GC. "
            + "Prints progress, a table, appends a dated row to the results file and ends with one summary line."})
public final class SshBenchCommand implements Callable<Integer> {

  @Option(names = "--devices", description = "simulated devices tailed at once (default ${DEFAULT-VALUE})")
  int devices = 2_000;

  @Option(names = "--seconds", description = "measured seconds, once every device streams (default ${DEFAULT-VALUE})")
  int seconds = 30;

  @Option(names = "--connect-timeout", paramLabel = "SECONDS",
      description = "how long devices may take to all stream before measuring whatever streams (default ${DEFAULT-VALUE})")
  int connectTimeout = 300;

  @Option(names = "--profile", paramLabel = "DIR", description = "write JFR profiles of the driver and the collector JVM to DIR")
  Path profile;

  @Option(names = "--results", paramLabel = "FILE", description = "where the dated row is appended (default ${DEFAULT-VALUE})")
  Path results = Path.of("docs/benchmarks.md");

  @Override
  public Integer call() throws Exception {
    if (profile != null) {
      Files.createDirectories(profile);
      profile = profile.toAbsolutePath();
    }
    SshBenchmark.Result result = new SshBenchmark(new SshBenchmark.Settings(devices, Duration.ofSeconds(seconds),
        Duration.ofSeconds(connectTimeout), profile), System.out).run();
    System.out.println(result.table());
    result.appendTo(results);
    System.out.println(result.summaryLine());
    return result.allConnected() ? 0 : 1;
  }
}
