package io.fleetpulse.collector.ssh;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The SSH collector in a JVM of its own, so a test can kill it with SIGKILL mid-stream — a real
 * crash: no shutdown hook, no flush, an open Kafka transaction left behind.
 */
final class SshCollectorProcess {

  /** Args: inventory knownHosts bootstrap transactionalId inFlightBytes journalctl… */
  public static void main(String[] args) throws Exception {
    String journalctl = String.join(" ", List.of(args).subList(5, args.length));
    SshTailSettings settings = TestSettings.settings(Path.of(args[0]), Path.of(args[1]), args[2], journalctl, StartPosition.ALL, false,
        args[3], Integer.parseInt(args[4]));
    new SshTailer(settings, new SimpleMeterRegistry()).start();
    Thread.currentThread().join();
  }

  static Process start(Path inventory, Path knownHosts, String bootstrap, String transactionalId, int inFlightBytes, String journalctl,
      Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), SshCollectorProcess.class.getName(),
        inventory.toString(), knownHosts.toString(), bootstrap, transactionalId, Integer.toString(inFlightBytes)));
    command.addAll(List.of(journalctl.split(" ")));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  private SshCollectorProcess() {}

}
