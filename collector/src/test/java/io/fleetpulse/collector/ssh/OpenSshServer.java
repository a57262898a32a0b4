package io.fleetpulse.collector.ssh;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real OpenSSH {@code sshd} on 127.0.0.1 and a random port, as a child process ({@code -D -e}) with
 * its own generated host key, config and authorized_keys, and a generated client key to log in with.
 *
 * <p>As root, sshd insists on its privilege-separation directory {@code /run/sshd} (which systemd
 * creates for the packaged service); it is created if missing. {@code StrictModes no} because the
 * keys live in a temporary directory.
 */
final class OpenSshServer implements AutoCloseable {

  static final Path SSHD = Path.of("/usr/sbin/sshd");
  static final Path SSH_KEYGEN = Path.of("/usr/bin/ssh-keygen");

  private final Path dir;
  private final int port;
  private final Process process;
  private final List<String> log = new CopyOnWriteArrayList<>();

  static void assumeInstalled() {
    assumeTrue(Files.isExecutable(SSHD), "OpenSSH sshd is not installed at " + SSHD + " (Debian package openssh-server)");
    assumeTrue(Files.isExecutable(SSH_KEYGEN), "ssh-keygen is not installed at " + SSH_KEYGEN);
  }

  static Path keygen(Path file) throws IOException, InterruptedException {
    run(SSH_KEYGEN.toString(), "-q", "-t", "ed25519", "-N", "", "-C", "fleetpulse-test", "-f", file.toString());
    return file;
  }

  static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }

  OpenSshServer(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    keygen(dir.resolve("host_key"));
    keygen(dir.resolve("client_key"));
    Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
    if ("root".equals(System.getProperty("user.name"))) {
      Files.createDirectories(Path.of("/run/sshd"));
    }
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Path config = dir.resolve("sshd_config");
    Files.writeString(config, String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + dir.resolve("host_key"),
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        "StrictModes no",
        "UsePAM no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",
        "PidFile none",
        "LogLevel INFO",
        ""));
    process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString()).redirectErrorStream(true).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          log.add(line);
        }
      } catch (IOException e) {
        log.add("log reader: " + e.getMessage());
      }
    }, "sshd-log");
    reader.setDaemon(true);
    reader.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive() || log.stream().anyMatch(line -> line.contains("Server listening")));
    if (!process.isAlive()) {
      throw new IOException("sshd did not start: " + String.join("\n", log));
    }
  }

  int port() {
    return port;
  }

  String user() {
    return System.getProperty("user.name");
  }

  Path clientKey() {
    return dir.resolve("client_key");
  }

  /** This server's line for a known_hosts file. */
  String knownHostsLine() throws IOException {
    String[] publicKey = Files.readString(dir.resolve("host_key.pub")).trim().split(" ");
    return "[127.0.0.1]:" + port + " " + publicKey[0] + " " + publicKey[1];
  }

  /**
   * Cuts every open connection (their sshd processes are killed) and stops accepting new ones until
   * {@link #resume()}: a client's new connection waits in the listen queue, unanswered.
   */
  void dropConnectionsAndPause() throws IOException, InterruptedException {
    run("kill", "-STOP", Long.toString(process.pid()));
    // Only sshd's own connection processes: the sessions' shells then see their pipes close and end by
    // themselves. A shell killed while it runs the account's rc files can leave their locks behind (pyenv's
    // rehash lock stalls every later login by a minute).
    process.descendants().filter(OpenSshServer::isSshd).forEach(ProcessHandle::destroyForcibly);
  }

  private static boolean isSshd(ProcessHandle process) {
    return process.info().command().map(command -> command.contains("sshd")).orElse(false);
  }

  void resume() throws IOException, InterruptedException {
    run("kill", "-CONT", Long.toString(process.pid()));
  }

  List<String> log() {
    return List.copyOf(log);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    resume();
    process.destroy();
    process.waitFor();
  }
}
