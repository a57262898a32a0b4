package io.fleetpulse.streams.rules;

import io.fleetpulse.schemas.JournalEntry;
import java.util.Set;

/**
 * A journal field's value in an entry by its journal name, as a rule's {@code fields:} condition names it: the
 * fields the collector keeps as the entry's own properties (the {@code JournalEntryNormalizer}'s promoted fields),
 * else the entry's other fields.
 */
final class JournalFieldValues {

  private static final Set<String> OWN = Set.of("_BOOT_ID", "_HOSTNAME", "_PID", "PRIORITY", "_TRANSPORT", "SYSLOG_IDENTIFIER",
      "__SEQNUM_ID", "__SEQNUM");

  private JournalFieldValues() {}

  static boolean isOwn(String field) {
    return OWN.contains(field);
  }

  static String of(JournalEntry entry, String field) {
    return switch (field) {
      case "_BOOT_ID" -> entry.getBootId();
      case "_HOSTNAME" -> entry.getHostname();
      case "_PID" -> text(entry.getPid());
      case "PRIORITY" -> text(entry.getPriority());
      case "_TRANSPORT" -> entry.getTransport();
      case "SYSLOG_IDENTIFIER" -> entry.getSyslogIdentifier();
      case "__SEQNUM_ID" -> entry.getSeqnumId();
      case "__SEQNUM" -> text(entry.getSeqnum());
      default -> entry.getFields().get(field);
    };
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
