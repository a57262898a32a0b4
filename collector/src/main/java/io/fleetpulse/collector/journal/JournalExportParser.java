package io.fleetpulse.collector.journal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Parses the Journal Export Format (what {@code systemd-journal-upload} and {@code journalctl -o export}
 * send) as it streams in, chunk by chunk, holding only the field being read.
 *
 * <p>An entry is a run of fields ended by an empty line. A text field is {@code NAME=value\n}; a binary
 * field (one that contains a newline or is not text) is {@code NAME\n}, its length as a 64-bit
 * little-endian integer, the bytes, and {@code \n}. A declared length over the field limit is refused
 * before anything is allocated for it. Journal-internal {@code __} fields other than the cursor,
 * timestamps and sequence numbers are skipped, as systemd-journal-remote does.
 */
public final class JournalExportParser {

  private static final int MAX_FIELD_NAME = 256;
  private static final Set<String> KEPT_INTERNAL_FIELDS =
      Set.of("__CURSOR", "__REALTIME_TIMESTAMP", "__MONOTONIC_TIMESTAMP", "__SEQNUM", "__SEQNUM_ID");

  private enum State { NAME, TEXT_VALUE, BINARY_LENGTH, BINARY_VALUE, BINARY_END }

  private final JournalLimits limits;
  private State state = State.NAME;
  private final ByteAccumulator name = new ByteAccumulator(64);
  private final ByteAccumulator text = new ByteAccumulator(256);
  private String fieldName;
  private long binaryLength;
  private int lengthBytesRead;
  private byte[] binaryValue;
  private long binaryRead;
  private JournalFields entry = new JournalFields();
  private long entryBytes;

  public JournalExportParser(JournalLimits limits) {
    this.limits = limits;
  }

  /** Parses the next piece of the stream, handing every entry it completes to {@code handler}. */
  public void feed(byte[] chunk, int offset, int length, JournalFieldsHandler handler) throws MalformedEntryException {
    int end = offset + length;
    int i = offset;
    while (i < end) {
      i = switch (state) {
        case NAME -> readName(chunk, i, end, handler);
        case TEXT_VALUE -> readText(chunk, i, end);
        case BINARY_LENGTH -> readBinaryLength(chunk, i, end);
        case BINARY_VALUE -> readBinaryValue(chunk, i, end);
        case BINARY_END -> readBinaryEnd(chunk, i);
      };
    }
  }

  /** The stream ended: a last entry without its closing empty line still counts; half a field does not. */
  public void finish(JournalFieldsHandler handler) throws MalformedEntryException {
    if (state != State.NAME || name.size() > 0) {
      throw new MalformedEntryException("the body ended inside field " + (fieldName != null ? fieldName : name.ascii()));
    }
    endEntry(handler);
  }

  private int readName(byte[] chunk, int from, int end, JournalFieldsHandler handler) throws MalformedEntryException {
    for (int i = from; i < end; i++) {
      byte b = chunk[i];
      if (b == '\n' && name.size() == 0) {
        endEntry(handler);
        return i + 1;
      }
      if (b == '=' || b == '\n') {
        fieldName = name.ascii();
        name.clear();
        countEntryBytes(fieldName.length() + 1);
        if (b == '=') {
          state = State.TEXT_VALUE;
        } else {
          state = State.BINARY_LENGTH;
          binaryLength = 0;
          lengthBytesRead = 0;
        }
        return i + 1;
      }
      if (b < 0x21 || b > 0x7e) {
        throw new MalformedEntryException("field name contains byte 0x" + Integer.toHexString(b & 0xff)
            + " (names are printable ASCII; is this the Journal Export Format?)");
      }
      if (name.size() >= MAX_FIELD_NAME) {
        throw new MalformedEntryException("field name longer than " + MAX_FIELD_NAME + " characters");
      }
      name.append(b);
    }
    return end;
  }

  private int readText(byte[] chunk, int from, int end) throws MalformedEntryException {
    int newline = indexOf(chunk, from, end, (byte) '\n');
    int stop = newline < 0 ? end : newline;
    if (text.size() + (stop - from) > limits.maxFieldBytes()) {
      throw MalformedEntryException.tooLarge("field " + fieldName + " is over the limit of " + limits.maxFieldBytes() + " bytes");
    }
    text.append(chunk, from, stop - from);
    if (newline < 0) {
      return end;
    }
    addField(text.toArray());
    text.clear();
    state = State.NAME;
    return newline + 1;
  }

  private int readBinaryLength(byte[] chunk, int from, int end) throws MalformedEntryException {
    int i = from;
    while (i < end && lengthBytesRead < Long.BYTES) {
      binaryLength |= (chunk[i++] & 0xffL) << (8 * lengthBytesRead++);
    }
    if (lengthBytesRead == Long.BYTES) {
      // Unsigned: a length with the top bit set is negative here and just as absurd.
      if (binaryLength < 0 || binaryLength > limits.maxFieldBytes()) {
        throw MalformedEntryException.tooLarge("binary field " + fieldName + " declares " + Long.toUnsignedString(binaryLength)
            + " bytes, over the limit of " + limits.maxFieldBytes());
      }
      binaryValue = new byte[(int) binaryLength];
      binaryRead = 0;
      state = State.BINARY_VALUE;
    }
    return i;
  }

  private int readBinaryValue(byte[] chunk, int from, int end) {
    int count = (int) Math.min(end - from, binaryLength - binaryRead);
    System.arraycopy(chunk, from, binaryValue, (int) binaryRead, count);
    binaryRead += count;
    if (binaryRead == binaryLength) {
      state = State.BINARY_END;
    }
    return from + count;
  }

  private int readBinaryEnd(byte[] chunk, int at) throws MalformedEntryException {
    if (chunk[at] != '\n') {
      throw new MalformedEntryException("binary field " + fieldName + " is not followed by a newline after its "
          + binaryLength + " bytes");
    }
    byte[] value = binaryValue;
    binaryValue = null;
    addField(value);
    state = State.NAME;
    return at + 1;
  }

  private void addField(byte[] value) throws MalformedEntryException {
    countEntryBytes(value.length + 1L);
    if (fieldName.startsWith("__") && !KEPT_INTERNAL_FIELDS.contains(fieldName)) {
      fieldName = null;
      return;
    }
    entry.add(fieldName, value);
    fieldName = null;
    if (entry.fieldCount() > limits.maxFieldsPerEntry()) {
      throw MalformedEntryException.tooLarge("more than " + limits.maxFieldsPerEntry() + " fields");
    }
  }

  private void countEntryBytes(long bytes) throws MalformedEntryException {
    entryBytes += bytes;
    if (entryBytes > limits.maxEntryBytes()) {
      throw MalformedEntryException.tooLarge("entry is over the limit of " + limits.maxEntryBytes() + " bytes");
    }
  }

  private void endEntry(JournalFieldsHandler handler) throws MalformedEntryException {
    if (entry.fieldCount() == 0) {
      return;
    }
    JournalFields complete = entry;
    entry = new JournalFields();
    entryBytes = 0;
    handler.entry(complete);
  }

  private static int indexOf(byte[] bytes, int from, int end, byte wanted) {
    for (int i = from; i < end; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  /** A growable byte array for the field being read; reused across fields. */
  private static final class ByteAccumulator {
    private byte[] bytes;
    private int size;

    ByteAccumulator(int capacity) {
      bytes = new byte[capacity];
    }

    void append(byte b) {
      ensure(1);
      bytes[size++] = b;
    }

    void append(byte[] source, int from, int count) {
      ensure(count);
      System.arraycopy(source, from, bytes, size, count);
      size += count;
    }

    int size() {
      return size;
    }

    void clear() {
      size = 0;
    }

    byte[] toArray() {
      return Arrays.copyOf(bytes, size);
    }

    String ascii() {
      return new String(bytes, 0, size, StandardCharsets.US_ASCII);
    }

    private void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }
  }
}
