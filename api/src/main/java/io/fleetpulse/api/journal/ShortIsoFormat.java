package io.fleetpulse.api.journal;

import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.journal.StoredJournal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * A journal line as {@code TZ=UTC journalctl -o short-iso} prints it (systemd 252):
 * {@code 2026-11-27T10:00:00+0000 host identifier[pid]: message}. The time is the device's own clock, as journalctl
 * shows it; the identifier is SYSLOG_IDENTIFIER, else _COMM, else "unknown"; a message that is not valid text
 * is "[N B blob data]"; the lines of a multi-line message after the first are indented under its start; where the
 * boot changes, "-- Boot ID --".
 */
final class ShortIsoFormat {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx").withZone(ZoneOffset.UTC);

  private ShortIsoFormat() {}

  /** Lines one after another, with journalctl's "-- Boot ID --" where the boot changes between two of them. */
  static String lines(List<StoredJournal.Line> lines) {
    StringBuilder out = new StringBuilder();
    Long boot = null;
    for (StoredJournal.Line line : lines) {
      if (boot != null && boot != line.boot()) {
        out.append("-- Boot ").append(line.entry().getBootId()).append(" --\n");
      }
      boot = line.boot();
      out.append(line(line.entry()));
    }
    return out.toString();
  }

  static String line(JournalEntry entry) {
    StringBuilder prefix = new StringBuilder();
    long realtimeUs = entry.getRealtimeUs() == null ? entry.getReceivedAt().toEpochMilli() * 1000 : entry.getRealtimeUs();
    prefix.append(TIME.format(Instant.ofEpochSecond(Math.floorDiv(realtimeUs, 1_000_000L))));
    if (entry.getHostname() != null) {
      prefix.append(' ').append(entry.getHostname());
    }
    prefix.append(' ').append(identifier(entry));
    if (entry.getPid() != null) {
      prefix.append('[').append(entry.getPid()).append(']');
    }
    prefix.append(": ");
    String message = entry.getMessageBytes() != null ? blob(entry.getMessageBytes().remaining())
        : entry.getMessage() == null ? "" : printable(entry.getMessage()) ? entry.getMessage()
        : blob(entry.getMessage().getBytes(StandardCharsets.UTF_8).length);
    String indent = " ".repeat(prefix.length());
    return prefix + message.replace("\n", "\n" + indent) + "\n";
  }

  /** As journalctl decides: control characters other than newline and tab make a message a blob. */
  private static boolean printable(String message) {
    return message.chars().noneMatch(c -> (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f));
  }

  /** "[N B blob data]", larger sizes with a binary prefix and one decimal as systemd's format_bytes writes them ("1.5K"). */
  private static String blob(long bytes) {
    if (bytes < 1024) {
      return "[" + bytes + " B blob data]";
    }
    String[] prefixes = {"K", "M", "G"};
    double size = bytes;
    int prefix = -1;
    while (size >= 1024 && prefix < prefixes.length - 1) {
      size /= 1024;
      prefix++;
    }
    return String.format(Locale.ROOT, "[%.1f%s blob data]", size, prefixes[prefix]);
  }

  private static String identifier(JournalEntry entry) {
    if (entry.getSyslogIdentifier() != null) {
      return entry.getSyslogIdentifier();
    }
    String command = entry.getFields().get("_COMM");
    return command != null ? command : "unknown";
  }
}
