package io.fleetpulse.collector.journal;

import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns raw journal fields into a {@link JournalEntry}: the well-known fields become typed columns,
 * the unit the entry is <em>about</em> is worked out, and every other field is kept.
 *
 * <p>The unit: systemd's own messages ("balena.service: Main process exited…") come from
 * {@code init.scope} but name the affected unit in {@code UNIT=}, so that wins; kernel messages have
 * no unit and become {@code kernel}; otherwise the sending service, else its syslog identifier.
 * Old balenaOS names are mapped to today's ({@code resin-supervisor} → {@code balena-supervisor}).
 */
public final class JournalEntryNormalizer {

  /** Fields that become typed columns of JournalEntry rather than entries of its field map. */
  private static final Set<String> COLUMNS = Set.of(
      "__CURSOR", "__REALTIME_TIMESTAMP", "__MONOTONIC_TIMESTAMP", "__SEQNUM", "__SEQNUM_ID",
      "_BOOT_ID", "_HOSTNAME", "_PID", "PRIORITY", "_TRANSPORT", "SYSLOG_IDENTIFIER", "MESSAGE");

  /** Set on entries where the sender left out fields as too large (journalctl prints them as null). */
  public static final String OMITTED_FIELDS = "_FLEETPULSE_OMITTED_FIELDS";

  public JournalEntry normalize(JournalFields raw, DeviceRef device, Instant receivedAt, String ingest) throws MalformedEntryException {
    JournalEntry.Builder entry = JournalEntry.newBuilder()
        .setDeviceUuid(device.uuid())
        .setFleet(device.fleet())
        .setUnit(Topics.canonicalUnitName(unitOf(raw)))
        .setSyslogIdentifier(raw.text("SYSLOG_IDENTIFIER"))
        .setPid(intField(raw, "_PID"))
        .setPriority(intField(raw, "PRIORITY"))
        .setTransport(raw.text("_TRANSPORT"))
        .setBootId(raw.text("_BOOT_ID"))
        .setRealtimeUs(longField(raw, "__REALTIME_TIMESTAMP"))
        .setMonotonicUs(longField(raw, "__MONOTONIC_TIMESTAMP"))
        .setSeqnumId(raw.has("__SEQNUM_ID") ? raw.text("__SEQNUM_ID") : cursorPart(raw, "s"))
        .setSeqnum(raw.has("__SEQNUM") ? longField(raw, "__SEQNUM") : cursorSeqnum(raw))
        .setCursor(raw.text("__CURSOR"))
        .setHostname(raw.text("_HOSTNAME"))
        .setReceivedAt(receivedAt)
        .setIngest(ingest);

    Object message = raw.firstReceived("MESSAGE");
    if (message != null) {
      String strict = strictText(message);
      entry.setMessage(strict != null ? strict : new String((byte[]) message, StandardCharsets.UTF_8));
      entry.setMessageBytes(strict != null ? null : ByteBuffer.wrap((byte[]) message));
    }

    // Sized for every field, so that a map never grows (re-hashing showed in profiles of the ingest).
    Map<String, String> text = new HashMap<>((int) ((raw.names().size() + 1) / 0.75f) + 1);
    Map<String, ByteBuffer> binary = new HashMap<>(4);
    for (String name : raw.names()) {
      if (COLUMNS.contains(name)) {
        continue;
      }
      // A field that occurs several times keeps its last value; journald's own matching does the same for display.
      Object value = raw.lastReceived(name);
      String strict = strictText(value);
      if (strict != null) {
        text.put(name, strict);
      } else {
        binary.put(name, ByteBuffer.wrap((byte[]) value));
      }
    }
    if (!raw.omitted().isEmpty()) {
      text.put(OMITTED_FIELDS, String.join(",", raw.omitted()));
    }
    return entry.setFields(text).setBinaryFields(binary).build();
  }

  private static String unitOf(JournalFields raw) {
    if (raw.has("UNIT")) {
      return raw.text("UNIT");
    }
    if ("kernel".equals(raw.text("_TRANSPORT"))) {
      return "kernel";
    }
    if (raw.has("_SYSTEMD_UNIT")) {
      return raw.text("_SYSTEMD_UNIT");
    }
    if (raw.has("SYSLOG_IDENTIFIER")) {
      return raw.text("SYSLOG_IDENTIFIER");
    }
    return "unknown";
  }

  /**
   * systemd before 254 exports no {@code __SEQNUM}; its cursor ({@code s=<seqnum id>;i=<seqnum, hex>;b=…})
   * carries the same position, which re-sent entries must be recognised by.
   */
  private static Long cursorSeqnum(JournalFields raw) {
    String hex = cursorPart(raw, "i");
    if (hex == null) {
      return null;
    }
    try {
      return Long.parseUnsignedLong(hex, 16);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String cursorPart(JournalFields raw, String key) {
    String cursor = raw.text("__CURSOR");
    if (cursor == null) {
      return null;
    }
    for (String part : cursor.split(";")) {
      if (part.length() > key.length() + 1 && part.startsWith(key) && part.charAt(key.length()) == '=') {
        return part.substring(key.length() + 1);
      }
    }
    return null;
  }

  private static Long longField(JournalFields raw, String name) throws MalformedEntryException {
    String text = raw.text(name);
    if (text == null) {
      return null;
    }
    try {
      return Long.parseUnsignedLong(text.trim());
    } catch (NumberFormatException e) {
      throw new MalformedEntryException("field " + name + " is not an unsigned decimal number: '" + abbreviate(text) + "'");
    }
  }

  private static Integer intField(JournalFields raw, String name) throws MalformedEntryException {
    Long value = longField(raw, name);
    if (value == null) {
      return null;
    }
    if (value < 0 || value > Integer.MAX_VALUE) {
      throw new MalformedEntryException("field " + name + " is out of range: " + Long.toUnsignedString(value));
    }
    return value.intValue();
  }

  /** A value received as text, or bytes that are valid UTF-8, as text; else null. */
  private static String strictText(Object value) {
    return value instanceof String text ? text : strictUtf8((byte[]) value);
  }

  /** The text if the bytes are valid UTF-8, else null. */
  private static String strictUtf8(byte[] bytes) {
    if (isAscii(bytes)) {
      // Nearly every journal field: no decoder needed.
      return new String(bytes, StandardCharsets.US_ASCII);
    }
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
