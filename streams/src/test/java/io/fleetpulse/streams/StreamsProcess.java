package io.fleetpulse.streams;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A fleetpulse streams instance in a JVM of its own, so a test can kill it the hard way
 * ({@link Process#destroyForcibly()}, i.e. SIGKILL) in the middle of a transaction.
 */
public final class StreamsProcess {

  /** Arguments: bootstrap servers, application id, state directory. Runs until killed. */
  public static void main(String[] args) throws InterruptedException {
    FleetStreams streams = new FleetStreams(StreamsSettings.of(args[0], args[1], Path.of(args[2]))
        // A killed member is only replaced once its session expires: keep that short for the test.
        .withOverrides(Map.of("commit.interval.ms", 1000, "consumer.session.timeout.ms", 6000, "consumer.heartbeat.interval.ms", 1000)), new SimpleMeterRegistry());
    streams.start();
    Thread.currentThread().join();
  }

  static Process start(String bootstrap, String applicationId, Path stateDir, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        StreamsProcess.class.getName(), bootstrap, applicationId, stateDir.toString()))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }
}
