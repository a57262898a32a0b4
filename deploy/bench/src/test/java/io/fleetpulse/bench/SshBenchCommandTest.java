package io.fleetpulse.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bench ssh}, tiny: both sides run, every device streams, and a dated row lands in the results file. */
class SshBenchCommandTest {

  @TempDir
  Path dir;

  @Test
  void benchSshRunsBothSidesAndAppendsADatedRow() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/kcat")), "kcat is not installed at /usr/bin/kcat (Debian package kcat)");
    Path results = Files.writeString(dir.resolve("benchmarks.md"), "# Benchmarks\n");

    int exit = new CommandLine(new BenchCommand()).execute("ssh", "--devices", "5", "--seconds", "2",
        "--connect-timeout", "120", "--results", results.toString());

    assertThat(exit).isZero();
    List<String> lines = Files.readAllLines(results);
    assertThat(lines).anyMatch(line -> line.startsWith("### bench ssh, " + LocalDate.now() + " (5 devices, 2 s window"));
    String row = lines.get(lines.size() - 1);
    assertThat(row).startsWith("| 5 / 5 | ");
    String rate = row.split("\\|")[3].strip();
    assertThat(Long.parseLong(rate)).as("entries/s committed over SSH").isPositive();
  }
}
