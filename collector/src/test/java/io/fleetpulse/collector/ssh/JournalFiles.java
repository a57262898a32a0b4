package io.fleetpulse.collector.ssh;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real journals, written by {@code systemd-journal-remote} from Journal Export Format into a directory of
 * their own, read with {@code journalctl --directory=DIR}. (Not {@code --file}: journalctl 252 cannot
 * {@code --follow} a journal opened by file name — "Failed to get journal fd: Destination address required".)
 */
final class JournalFiles {

  static final Path JOURNAL_REMOTE = Path.of("/lib/systemd/systemd-journal-remote");
  static final String BOOT_ID = "0123456789abcdef0123456789abcdef";
  static final String LATER_BOOT_ID = "fedcba9876543210fedcba9876543210";

  private JournalFiles() {}

  static void assumeInstalled() {
    assumeTrue(Files.isExecutable(JOURNAL_REMOTE), "systemd-journal-remote is not installed at " + JOURNAL_REMOTE
        + " (Debian package systemd-journal-remote)");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/journalctl")) || Files.isExecutable(Path.of("/bin/journalctl")), "journalctl is not installed");
  }

  /** A journal directory of {@code count} entries, "entry 1" … "entry N" (journald gives them seqnums 1…N), all of one boot. */
  static Path create(Path dir, int count) throws IOException, InterruptedException {
    return create(dir, count, count);
  }

  /** As {@link #create(Path, int)}, the entries after {@code firstBootEntries} written in a later boot. */
  static Path create(Path dir, int count, int firstBootEntries) throws IOException, InterruptedException {
    Path journalDir = Files.createDirectories(dir.resolve("journal"));
    write(journalDir, 1, count, firstBootEntries);
    return journalDir;
  }

  /** Appends "entry FROM" … "entry TO" (of the first boot) to a journal made by {@link #create}, as journald would go on writing. */
  static void append(Path journalDir, int from, int to) throws IOException, InterruptedException {
    write(journalDir, from, to, to);
  }

  private static void write(Path journalDir, int from, int to, int firstBootEntries) throws IOException, InterruptedException {
    Path export = journalDir.resolveSibling("entries-" + from + ".export");
    long start = System.currentTimeMillis() * 1000;
    try (Writer out = Files.newBufferedWriter(export, StandardCharsets.UTF_8)) {
      for (int i = from; i <= to; i++) {
        String boot = i <= firstBootEntries ? BOOT_ID : LATER_BOOT_ID;
        out.write("__REALTIME_TIMESTAMP=" + (start + i) + "\n__MONOTONIC_TIMESTAMP=" + i + "\n_BOOT_ID=" + boot + "\n");
        out.write("_HOSTNAME=fleetpulse-test\n_TRANSPORT=stdout\nPRIORITY=6\nSYSLOG_IDENTIFIER=fleetpulse-test\n");
        out.write("_SYSTEMD_UNIT=fleetpulse-test.service\nMESSAGE=entry " + i + "\n\n");
      }
    }
    OpenSshServer.run(JOURNAL_REMOTE.toString(), "--output=" + journalDir.resolve("system.journal"), export.toString());
  }
}
