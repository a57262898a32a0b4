package io.fleetpulse.launcher;

import io.fleetpulse.collector.ssh.HostKeyScan;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fleetpulse ssh keyscan}: the known_hosts line for a device (or balena's proxy) before the collector tails it. */
@Command(name = "ssh", mixinStandardHelpOptions = true, header = "Helpers for devices tailed over SSH.",
    subcommands = SshCommand.Keyscan.class)
final class SshCommand {

  @Command(
      name = "keyscan",
      mixinStandardHelpOptions = true,
      header = "Print a device's SSH host key as a known_hosts line, with its fingerprint to check.",
      description = {
          "Connects the way the SSH collector does (no login, nothing run), reads the host key the device presents and "
              + "prints its fingerprint and the line to add to collector.ssh.knownHosts (default <dataDir>/known_hosts). "
              + "Check the fingerprint against the device's own before you add the line (on the device: "
              + "ssh-keygen -lf on its host key's .pub file), or you would trust whoever answered. The port defaults to 22222, "
              + "balenaOS's SSH port; balena's proxy is ssh.balena-devices.com:22.",
          "",
          "Exit code: 0 with the line printed, 1 when the host presented no key (unreachable, or not an SSH server).",
          ""})
  static final class Keyscan implements Callable<Integer> {

    private static final int BALENA_OS_SSH_PORT = 22222;

    @Parameters(paramLabel = "HOST[:PORT]", description = "The device or proxy")
    String target;

    @Override
    public Integer call() {
      int colon = target.lastIndexOf(':');
      String host = colon < 0 ? target : target.substring(0, colon);
      int port;
      try {
        port = colon < 0 ? BALENA_OS_SSH_PORT : Integer.parseInt(target.substring(colon + 1));
      } catch (NumberFormatException e) {
        System.err.println("Not a port: " + target.substring(colon + 1) + " (expected HOST or HOST:PORT)");
        return 2;
      }
      try {
        HostKeyScan.ScannedKey key = HostKeyScan.scan(host, port, Duration.ofSeconds(15));
        System.err.println(host + ":" + port + " presents the " + key.keyType() + " key " + key.fingerprint()
            + ". If the device shows the same fingerprint, add this line to the collector's known_hosts:");
        System.out.println(key.knownHostsLine());
        return 0;
      } catch (IOException e) {
        System.err.println("No host key from " + host + ":" + port + ": " + e.getMessage());
        return 1;
      }
    }
  }
}
