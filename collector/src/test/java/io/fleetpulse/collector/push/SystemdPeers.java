package io.fleetpulse.collector.push;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real systemd peers the push tests talk to: journal-remote makes journal files, journal-upload sends them. */
public final class SystemdPeers {

  public static final Path JOURNAL_REMOTE = Path.of("/lib/systemd/systemd-journal-remote");
  public static final Path JOURNAL_UPLOAD = Path.of("/lib/systemd/systemd-journal-upload");

  private SystemdPeers() {}

  public static void assumeInstalled() {
    assumeTrue(Files.isExecutable(JOURNAL_REMOTE) && Files.isExecutable(JOURNAL_UPLOAD),
        "needs systemd-journal-remote and systemd-journal-upload (Debian package systemd-journal-remote; scripts/test.sh installs it)");
  }

  /**
   * Turns Journal Export Format bytes into a real journal, the way a device's journald stores it: a
   * directory of journal files (journal-remote rotates to a new file every 8 MiB or so).
   */
  public static Path journalDirectory(Path dir, byte[] export) throws IOException, InterruptedException {
    Path input = dir.resolve("input.export");
    Files.write(input, export);
    Path journal = Files.createDirectories(dir.resolve("journal"));
    Result result = run(List.of(JOURNAL_REMOTE.toString(), "--output=" + journal.resolve("device.journal"), input.toString()), dir, 120);
    if (result.exitCode() != 0) {
      throw new IllegalStateException("systemd-journal-remote failed: " + result.output());
    }
    return journal;
  }

  /** Runs systemd-journal-upload once over a journal directory, from its saved state; it exits when done or on the first error. */
  public static Result upload(Path journal, String url, Path state, List<String> extraArgs) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(JOURNAL_UPLOAD.toString(), "--directory=" + journal, "--url=" + url,
        "--save-state=" + state, "--follow=no"));
    command.addAll(extraArgs);
    return run(command, state.getParent(), 300);
  }

  public record Result(int exitCode, String output) {}

  private static Result run(List<String> command, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "peer", ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(command.get(0) + " did not finish within " + timeoutSeconds + " s: " + Files.readString(log));
    }
    return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
