package io.fleetpulse.bench;

import io.fleetpulse.bench.crash.FleetpulseProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** An all-in-one in a child process on a fresh data directory, for a benchmark that loads it from outside. */
final class StackUnderTest implements AutoCloseable {

  private final Path dataDir;
  private final FleetpulseProcess stack;
  final int collectorPort = FleetpulseProcess.freePort();
  final int apiPort = FleetpulseProcess.freePort();

  private StackUnderTest(List<String> jvmOptions, List<String> settings) throws IOException {
    this.dataDir = Files.createTempDirectory("fleetpulse-bench");
    this.stack = FleetpulseProcess.allInOne(dataDir, FleetpulseProcess.freePort(), collectorPort, apiPort, settings).jvmOptions(jvmOptions);
  }

  /** Started with {@code settings} ({@code path=value}, as --set takes them) and ready, or an exception saying why not. */
  static StackUnderTest start(List<String> jvmOptions, List<String> settings) throws IOException, InterruptedException {
    StackUnderTest started = new StackUnderTest(jvmOptions, settings);
    try {
      started.stack.start();
      started.stack.awaitReady(Duration.ofMinutes(3));
      return started;
    } catch (RuntimeException | InterruptedException e) {
      started.close();
      throw e;
    }
  }

  long pid() {
    return stack.pid();
  }

  String collectorUrl() {
    return "http://127.0.0.1:" + collectorPort;
  }

  String apiUrl() {
    return "http://127.0.0.1:" + apiPort;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    stack.stop();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
