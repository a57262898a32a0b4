package io.fleetpulse.collector.journal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Parses one line of {@code journalctl -o json} output.
 *
 * <p>journalctl prints a field as a JSON string when it is printable UTF-8, as an array of byte values
 * when it is not (binary container output, invalid UTF-8, control characters), as an array of those
 * when the field occurs several times in the entry, and as {@code null} when it is larger than
 * journalctl's data threshold. All four are accepted; every value is kept as its bytes.
 *
 * <p>A reader of its own rather than a general JSON library: the line is one flat object, and nearly
 * every string in it is ASCII without escapes, which is copied straight into a {@code String}; field
 * names, the same few dozen in every entry, come from a small cache. Jackson (a parser per line, its
 * buffer pool, its name tables, then a {@code String} per value) was over a third of the push ingest's
 * CPU. Strings with escapes or non-ASCII take the general path, which checks the UTF-8 strictly.
 * Safe to share between threads.
 */
public final class JournalJsonParser {

  private static final int MAX_FIELD_NAME = 256;
  private static final int NAME_CACHE_SIZE = 256;

  private final JournalLimits limits;
  /** Field names by a hash of their bytes; racy by design (a miss only costs a new String). */
  private final String[] names = new String[NAME_CACHE_SIZE];

  public JournalJsonParser(JournalLimits limits) {
    this.limits = limits;
  }

  public JournalFields parse(byte[] line, int offset, int length) throws MalformedEntryException {
    if (length > limits.maxEntryBytes()) {
      throw MalformedEntryException.tooLarge("entry is " + length + " bytes, over the limit of " + limits.maxEntryBytes());
    }
    return new Reader(line, offset, offset + length).entry();
  }

  /** One line being read; {@code position} moves forward over {@code in} up to {@code end}. */
  private final class Reader {
    private final byte[] in;
    private final int start;
    private final int end;
    private int position;

    Reader(byte[] in, int start, int end) {
      this.in = in;
      this.start = start;
      this.end = end;
      this.position = start;
    }

    JournalFields entry() throws MalformedEntryException {
      skipWhitespace();
      if (position >= end || in[position] != '{') {
        throw new MalformedEntryException("not a JSON object (expected one journalctl -o json entry per line)");
      }
      position++;
      JournalFields fields = new JournalFields();
      skipWhitespace();
      if (peek() == '}') {
        position++;
      } else {
        readFields(fields);
      }
      skipWhitespace();
      if (position < end) {
        throw new MalformedEntryException("trailing data after the entry object");
      }
      return fields;
    }

    private void readFields(JournalFields fields) throws MalformedEntryException {
      while (true) {
        skipWhitespace();
        expect('"', "a field name");
        String name = readName();
        if (name.isEmpty() || name.length() > MAX_FIELD_NAME) {
          throw new MalformedEntryException("field name must be 1.." + MAX_FIELD_NAME + " characters");
        }
        skipWhitespace();
        expect(':', "':' after field " + name);
        skipWhitespace();
        readValue(name, fields);
        if (fields.fieldCount() > limits.maxFieldsPerEntry()) {
          throw MalformedEntryException.tooLarge("more than " + limits.maxFieldsPerEntry() + " fields");
        }
        skipWhitespace();
        byte next = next("',' or '}' after field " + name);
        if (next == '}') {
          return;
        }
        if (next != ',') {
          throw invalid("expected ',' or '}' after field " + name, position - 1);
        }
      }
    }

    private void readValue(String name, JournalFields fields) throws MalformedEntryException {
      byte first = peek();
      switch (first) {
        case '"' -> {
          position++;
          fields.addText(name, checkSize(name, readString()));
        }
        case '[' -> {
          position++;
          readArray(name, fields);
        }
        case 'n' -> {
          literal("null");
          fields.addOmitted(name);
        }
        case 't' -> fields.addText(name, literal("true"));
        case 'f' -> fields.addText(name, literal("false"));
        case '{' -> throw new MalformedEntryException("field " + name + ": unsupported JSON value (an object)");
        default -> {
          if (first == '-' || isDigit(first)) {
            fields.addText(name, readNumber());
          } else {
            throw invalid("expected a value for field " + name, position);
          }
        }
      }
    }

    /** Either one binary value (an array of byte values) or a multi-valued field (an array of values). */
    private void readArray(String name, JournalFields fields) throws MalformedEntryException {
      skipWhitespace();
      byte first = peek();
      if (first == ']' || first == '-' || isDigit(first)) {
        fields.add(name, readBytes(name));
        return;
      }
      while (true) {
        switch (peek()) {
          case '"' -> {
            position++;
            fields.addText(name, checkSize(name, readString()));
          }
          case '[' -> {
            position++;
            skipWhitespace();
            fields.add(name, readBytes(name));
          }
          case 'n' -> {
            literal("null");
            fields.addOmitted(name);
          }
          default -> throw new MalformedEntryException("field " + name + ": unsupported value in a multi-valued field (at byte "
              + (position - start) + ")");
        }
        skipWhitespace();
        byte next = next("',' or ']' in field " + name);
        if (next == ']') {
          return;
        }
        if (next != ',') {
          throw invalid("expected ',' or ']' in field " + name, position - 1);
        }
        skipWhitespace();
      }
    }

    /** The byte values up to the closing bracket (the opening one and any whitespace after it are read). */
    private byte[] readBytes(String name) throws MalformedEntryException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      if (peek() == ']') {
        position++;
        return bytes.toByteArray();
      }
      while (true) {
        byte first = peek();
        if (first != '-' && !isDigit(first)) {
          throw new MalformedEntryException("field " + name + ": a binary value must be an array of byte values");
        }
        String number = readNumber();
        if (number.indexOf('.') >= 0 || number.indexOf('e') >= 0 || number.indexOf('E') >= 0) {
          throw new MalformedEntryException("field " + name + ": a binary value must be an array of byte values, found " + number);
        }
        if (number.length() > 4 || Integer.parseInt(number) < 0 || Integer.parseInt(number) > 255) {
          throw new MalformedEntryException("field " + name + ": byte value " + abbreviate(number) + " is outside 0..255");
        }
        if (bytes.size() >= limits.maxFieldBytes()) {
          throw MalformedEntryException.tooLarge("field " + name + " is over the limit of " + limits.maxFieldBytes() + " bytes");
        }
        bytes.write(Integer.parseInt(number));
        skipWhitespace();
        byte next = next("',' or ']' in field " + name);
        if (next == ']') {
          return bytes.toByteArray();
        }
        if (next != ',') {
          throw invalid("expected ',' or ']' in field " + name, position - 1);
        }
        skipWhitespace();
      }
    }

    /** A field name (the opening quote is read): from the cache when it is plain ASCII. */
    private String readName() throws MalformedEntryException {
      int from = position;
      int hash = 0;
      while (position < end) {
        byte b = in[position];
        if (b == '"') {
          int slot = hash & (NAME_CACHE_SIZE - 1);
          String cached = names[slot];
          int length = position - from;
          position++;
          if (cached != null && sameAscii(cached, from, length)) {
            return cached;
          }
          String name = new String(in, from, length, StandardCharsets.ISO_8859_1);
          names[slot] = name;
          return name;
        }
        if (b == '\\' || b < 0x20) { // escapes, control characters and all non-ASCII (negative) bytes
          position = from;
          return readString();
        }
        hash = 31 * hash + b;
        position++;
      }
      throw invalid("unterminated string", from - 1);
    }

    private boolean sameAscii(String text, int from, int length) {
      if (text.length() != length) {
        return false;
      }
      for (int i = 0; i < length; i++) {
        if (text.charAt(i) != in[from + i]) {
          return false;
        }
      }
      return true;
    }

    /** A string's value (the opening quote is read). */
    private String readString() throws MalformedEntryException {
      int from = position;
      while (position < end) {
        byte b = in[position];
        if (b == '"') {
          position++;
          return new String(in, from, position - 1 - from, StandardCharsets.ISO_8859_1);
        }
        if (b == '\\' || b < 0x20) {
          return readGeneralString(from);
        }
        position++;
      }
      throw invalid("unterminated string", from - 1);
    }

    /** The general path: escapes, and UTF-8 checked strictly (JSON text must be valid UTF-8). */
    private String readGeneralString(int from) throws MalformedEntryException {
      StringBuilder text = new StringBuilder(position - from + 16);
      text.append(new String(in, from, position - from, StandardCharsets.ISO_8859_1));
      while (position < end) {
        int b = in[position] & 0xFF;
        if (b == '"') {
          position++;
          return text.toString();
        }
        if (b == '\\') {
          readEscape(text);
        } else if (b < 0x20) {
          throw invalid("control character " + b + " in a string must be escaped", position);
        } else if (b < 0x80) {
          text.append((char) b);
          position++;
        } else {
          readUtf8(b, text);
        }
      }
      throw invalid("unterminated string", from - 1);
    }

    private void readEscape(StringBuilder text) throws MalformedEntryException {
      int at = position;
      position++;
      byte escaped = next("an escaped character");
      switch (escaped) {
        case '"', '\\', '/' -> text.append((char) escaped);
        case 'b' -> text.append('\b');
        case 'f' -> text.append('\f');
        case 'n' -> text.append('\n');
        case 'r' -> text.append('\r');
        case 't' -> text.append('\t');
        case 'u' -> {
          if (end - position < 4) {
            throw invalid("incomplete \\u escape", at);
          }
          int code = 0;
          for (int i = 0; i < 4; i++) {
            int digit = Character.digit(in[position++], 16);
            if (digit < 0) {
              throw invalid("invalid \\u escape", at);
            }
            code = code * 16 + digit;
          }
          // A lone surrogate is kept as a char, as JSON allows it; encoding it as UTF-8 later gives '?'.
          text.append((char) code);
        }
        default -> throw invalid("invalid escape \\" + (char) (escaped & 0xFF), at);
      }
    }

    /** One UTF-8 encoded code point of 2 to 4 bytes, whose first byte is {@code first}. */
    private void readUtf8(int first, StringBuilder text) throws MalformedEntryException {
      int at = position;
      int length;
      int codePoint;
      int min;
      if (first >= 0xC2 && first <= 0xDF) {
        length = 2;
        codePoint = first & 0x1F;
        min = 0x80;
      } else if (first >= 0xE0 && first <= 0xEF) {
        length = 3;
        codePoint = first & 0x0F;
        min = 0x800;
      } else if (first >= 0xF0 && first <= 0xF4) {
        length = 4;
        codePoint = first & 0x07;
        min = 0x10000;
      } else {
        throw invalid("invalid UTF-8", at);
      }
      if (end - position < length) {
        throw invalid("invalid UTF-8", at);
      }
      for (int i = 1; i < length; i++) {
        int continuation = in[position + i] & 0xFF;
        if ((continuation & 0xC0) != 0x80) {
          throw invalid("invalid UTF-8", at);
        }
        codePoint = (codePoint << 6) | (continuation & 0x3F);
      }
      if (codePoint < min || codePoint > Character.MAX_CODE_POINT
          || (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE)) {
        throw invalid("invalid UTF-8", at);
      }
      text.appendCodePoint(codePoint);
      position += length;
    }

    /** A JSON number's text, checked against JSON's grammar. */
    private String readNumber() throws MalformedEntryException {
      int from = position;
      if (peek() == '-') {
        position++;
      }
      if (peek() == '0') {
        position++;
      } else if (!digits()) {
        throw invalid("invalid number", from);
      }
      if (position < end && in[position] == '.') {
        position++;
        if (!digits()) {
          throw invalid("invalid number", from);
        }
      }
      if (position < end && (in[position] == 'e' || in[position] == 'E')) {
        position++;
        if (position < end && (in[position] == '+' || in[position] == '-')) {
          position++;
        }
        if (!digits()) {
          throw invalid("invalid number", from);
        }
      }
      return new String(in, from, position - from, StandardCharsets.ISO_8859_1);
    }

    /** Reads a run of digits; false if there was none. */
    private boolean digits() {
      int from = position;
      while (position < end && isDigit(in[position])) {
        position++;
      }
      return position > from;
    }

    private String literal(String word) throws MalformedEntryException {
      if (end - position < word.length() || !sameAscii(word, position, word.length())) {
        throw invalid("invalid value", position);
      }
      position += word.length();
      return word;
    }

    private void expect(char expected, String what) throws MalformedEntryException {
      if (next(what) != expected) {
        throw invalid("expected " + what, position - 1);
      }
    }

    /** The next byte, consumed. */
    private byte next(String expected) throws MalformedEntryException {
      if (position >= end) {
        throw invalid("the line ended where " + expected + " was expected", position);
      }
      return in[position++];
    }

    /** The next byte, not consumed; 0 at the end of the line (no JSON token starts with it). */
    private byte peek() {
      return position < end ? in[position] : 0;
    }

    private void skipWhitespace() {
      while (position < end) {
        byte b = in[position];
        if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
          return;
        }
        position++;
      }
    }

    private MalformedEntryException invalid(String reason, int at) {
      return new MalformedEntryException("invalid JSON: " + reason + " (at byte " + (at - start) + ")");
    }
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

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static String abbreviate(String text) {
    return text.length() <= 12 ? text : text.substring(0, 12) + "…";
  }
}
