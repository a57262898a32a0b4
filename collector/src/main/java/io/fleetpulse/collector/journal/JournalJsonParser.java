package io.fleetpulse.collector.journal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Parses one line of {@code journalctl -o json} output.
 *
 * <p>journalctl prints a field as a JSON string when it is printable UTF-8, as an array of byte values
 * when it is not (binary container output, invalid UTF-8, control characters), as an array of those
 * when the field occurs several times in the entry, and as {@code null} when it is larger than
 * journalctl's data threshold. All four are accepted; every value is kept as its bytes.
 */
public final class JournalJsonParser {

  private static final int MAX_FIELD_NAME = 256;

  private final JsonFactory json;
  private final JournalLimits limits;

  public JournalJsonParser(JournalLimits limits) {
    this.limits = limits;
    // Jackson's default buffer pool is a ThreadLocal lookup per parser, which showed in profiles of
    // the event loops (one parser per line); a pool of the factory's own is cheaper. A lock-free one:
    // a ConcurrentLinkedDeque, shared by two event loops, was 11 % of their time in a profile.
    this.json = JsonFactory.builder()
        .recyclerPool(JsonRecyclerPools.newLockFreePool())
        // Depth 4, one more than journalctl's deepest (an array of byte arrays): deeper input gets this
        // parser's own reason, not Jackson's constraint error (which was reported as a value too large).
        .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(limits.maxFieldBytes()).maxNestingDepth(4).build())
        .build();
  }

  public JournalFields parse(byte[] line, int offset, int length) throws MalformedEntryException {
    if (length > limits.maxEntryBytes()) {
      throw MalformedEntryException.tooLarge("entry is " + length + " bytes, over the limit of " + limits.maxEntryBytes());
    }
    JournalFields fields = new JournalFields();
    try (JsonParser parser = json.createParser(line, offset, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedEntryException("not a JSON object (expected one journalctl -o json entry per line)");
      }
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        checkFieldName(name);
        readValue(parser, name, fields);
        if (fields.fieldCount() > limits.maxFieldsPerEntry()) {
          throw MalformedEntryException.tooLarge("more than " + limits.maxFieldsPerEntry() + " fields");
        }
      }
      if (token != JsonToken.END_OBJECT) {
        throw new MalformedEntryException("unexpected " + token + " in the entry object");
      }
      if (parser.nextToken() != null) {
        throw new MalformedEntryException("trailing data after the entry object");
      }
    } catch (StreamConstraintsException e) {
      throw MalformedEntryException.tooLarge("a value is over the limit of " + limits.maxFieldBytes() + " bytes");
    } catch (IOException e) {
      throw new MalformedEntryException("invalid JSON: " + firstLine(e.getMessage()));
    }
    return fields;
  }

  private void readValue(JsonParser parser, String name, JournalFields fields) throws IOException, MalformedEntryException {
    JsonToken token = parser.nextToken();
    switch (token) {
      case VALUE_STRING -> fields.addText(name, checkSize(name, parser.getText()));
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> fields.addText(name, parser.getText());
      case VALUE_NULL -> fields.addOmitted(name);
      case START_ARRAY -> readArray(parser, name, fields);
      default -> throw new MalformedEntryException("field " + name + ": unsupported JSON value " + token);
    }
  }

  /** Either one binary value (an array of byte values) or a multi-valued field (an array of values). */
  private void readArray(JsonParser parser, String name, JournalFields fields) throws IOException, MalformedEntryException {
    JsonToken token = parser.nextToken();
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.END_ARRAY) {
      fields.add(name, readBytes(parser, name, token));
      return;
    }
    for (; token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      switch (token) {
        case VALUE_STRING -> fields.addText(name, checkSize(name, parser.getText()));
        case START_ARRAY -> fields.add(name, readBytes(parser, name, parser.nextToken()));
        case VALUE_NULL -> fields.addOmitted(name);
        default -> throw new MalformedEntryException("field " + name + ": unsupported value " + token + " in a multi-valued field");
      }
    }
  }

  private byte[] readBytes(JsonParser parser, String name, JsonToken first) throws IOException, MalformedEntryException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (JsonToken token = first; token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      if (token != JsonToken.VALUE_NUMBER_INT) {
        throw new MalformedEntryException("field " + name + ": a binary value must be an array of byte values, found " + token);
      }
      int value = parser.getIntValue();
      if (value < 0 || value > 255) {
        throw new MalformedEntryException("field " + name + ": byte value " + value + " is outside 0..255");
      }
      if (bytes.size() >= limits.maxFieldBytes()) {
        throw MalformedEntryException.tooLarge("field " + name + " is over the limit of " + limits.maxFieldBytes() + " bytes");
      }
      bytes.write(value);
    }
    return bytes.toByteArray();
  }

  /** The limit is on the value's bytes (UTF-8), as the device stores it. */
  private String checkSize(String name, String value) throws MalformedEntryException {
    // No text of n chars is over 3n bytes, so nearly every value passes without counting.
    if ((long) value.length() * 3 > limits.maxFieldBytes()) {
      long bytes = utf8Length(value);
      if (bytes > limits.maxFieldBytes()) {
        throw MalformedEntryException.tooLarge("field " + name + " is " + bytes + " bytes, over the limit of " + limits.maxFieldBytes());
      }
    }
    return value;
  }

  private static long utf8Length(String value) {
    long bytes = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      // A surrogate pair is 4 bytes: 2 per half.
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return bytes;
  }

  private static void checkFieldName(String name) throws MalformedEntryException {
    if (name.isEmpty() || name.length() > MAX_FIELD_NAME) {
      throw new MalformedEntryException("field name must be 1.." + MAX_FIELD_NAME + " characters");
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
