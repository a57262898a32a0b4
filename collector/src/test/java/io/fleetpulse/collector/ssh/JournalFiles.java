package io.fleetpulse.collector.ssh;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real journal files, written by {@code systemd-journal-remote} from Journal Export Format, for {@code journalctl --file}. */
final class JournalFiles {

  static final Path JOURNAL_REMOTE = Path.of("/lib/systemd/systemd-journal-remote");
  static final String BOOT_ID = "0123456789abcdef0123456789abcdef";

  private JournalFiles() {}

  static void assumeInstalled() {
    assumeTrue(Files.isExecutable(JOURNAL_REMOTE), "systemd-journal-remote is not installed at " + JOURNAL_REMOTE
        + " (Debian package systemd-journal-remote)");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/journalctl")) || Files.isExecutable(Path.of("/bin/journalctl")), "journalctl is not installed");
  }

  /** A journal of {@code count} entries, "entry 1" … "entry N" (journald gives them seqnums 1…N). */
  static Path create(Path dir, int count) throws IOException, InterruptedException {
    Path export = dir.resolve("entries.export");
    long start = System.currentTimeMillis() * 1000;
    try (Writer out = Files.newBufferedWriter(export, StandardCharsets.UTF_8)) {
      for (int i = 1; i <= count; i++) {
        out.write("__REALTIME_TIMESTAMP=" + (start + i) + "\n__MONOTONIC_TIMESTAMP=" + i + "\n_BOOT_ID=" + BOOT_ID + "\n");
        out.write("_HOSTNAME=fleetpulse-test\n_TRANSPORT=stdout\nPRIORITY=6\nSYSLOG_IDENTIFIER=fleetpulse-test\n");
        out.write("_SYSTEMD_UNIT=fleetpulse-test.service\nMESSAGE=entry " + i + "\n\n");
      }
    }
    Path journal = dir.resolve("device.journal");
    OpenSshServer.run(JOURNAL_REMOTE.toString(), "--output=" + journal, export.toString());
    return journal;
  }
}
