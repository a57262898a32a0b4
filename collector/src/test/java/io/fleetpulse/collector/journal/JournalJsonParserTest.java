package io.fleetpulse.collector.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The journalctl JSON parser against lines a JSON generator wrote: every form journalctl prints, with
 * escapes, non-ASCII text, binary and multi-valued fields; and a reason for each kind of malformed line.
 */
class JournalJsonParserTest {

  private static final JournalLimits LIMITS = JournalLimits.DEFAULT;
  private final JournalJsonParser parser = new JournalJsonParser(LIMITS);

  @Test
  void readsWhatAJsonLibraryWrote() throws Exception {
    Random random = new Random(20261127);
    for (int i = 0; i < 3_000; i++) {
      Map<String, List<Object>> values = new LinkedHashMap<>();
      Set<String> omitted = new LinkedHashSet<>();
      byte[] line = randomLine(random, values, omitted);

      JournalFields fields = parser.parse(line, 0, line.length);

      assertThat(fields.names()).as(new String(line, StandardCharsets.UTF_8)).containsExactlyElementsOf(values.keySet());
      assertThat(fields.omitted()).containsExactlyElementsOf(omitted);
      values.forEach((name, expected) -> {
        assertThat(fields.firstReceived(name)).isEqualTo(expected.get(0));
        assertThat(fields.lastReceived(name)).isEqualTo(expected.get(expected.size() - 1));
      });
    }
  }

  @Test
  void readsALineInsideALargerBuffer() throws Exception {
    byte[] buffer = "xx{\"MESSAGE\":\"hi\", \"_PID\" : \"7\"}\nyy".getBytes(StandardCharsets.UTF_8);
    JournalFields fields = parser.parse(buffer, 2, buffer.length - 5);
    assertThat(fields.text("MESSAGE")).isEqualTo("hi");
    assertThat(fields.text("_PID")).isEqualTo("7");
  }

  @Test
  void keepsEscapedLoneSurrogatesAndNumbersAndBooleansAsText() throws Exception {
    byte[] line = "{\"A\":\"\\ud800x\",\"B\":-1.5e3,\"C\":true,\"D\":false,\"E\":[]}".getBytes(StandardCharsets.UTF_8);
    JournalFields fields = parser.parse(line, 0, line.length);
    assertThat(fields.text("A")).isEqualTo("\ud800x");
    assertThat(fields.text("B")).isEqualTo("-1.5e3");
    assertThat(fields.text("C")).isEqualTo("true");
    assertThat(fields.text("D")).isEqualTo("false");
    assertThat(fields.first("E")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "[1,2]                          | not a JSON object",
      "{\"A\":\"x\"} {}               | trailing data after the entry object",
      "{\"A\":\"x\"                   | invalid JSON",
      "{\"A\":\"x                     | invalid JSON",
      "{\"A\" \"x\"}                  | invalid JSON",
      "{\"A\":\"x\" \"B\":\"y\"}      | invalid JSON",
      "{\"A\":\"\\q\"}                | invalid JSON",
      "{\"A\":\"\\u12G4\"}            | invalid JSON",
      "{\"A\":01}                     | invalid JSON",
      "{\"A\":-}                      | invalid JSON",
      "{\"A\":nul}                    | invalid JSON",
      "{\"A\":\"x\",}                 | invalid JSON",
      "{\"A\":{\"B\":1}}              | field A: unsupported JSON value",
      "{\"A\":[300]}                  | field A: byte value 300 is outside 0..255",
      "{\"A\":[-1]}                   | field A: byte value -1 is outside 0..255",
      "{\"A\":[1.5]}                  | field A: unsupported value",
      "{\"A\":[1,\"x\"]}              | field A: a binary value must be an array of byte values",
      "{\"A\":[\"x\",1]}              | field A: unsupported value",
      "{\"A\":[\"x\",[1,[2]]]}        | field A: a binary value must be an array of byte values",
      "{\"\":\"x\"}                   | field name must be 1..256 characters",
  })
  void refusesMalformedLinesWithAReason(String line, String reason) {
    byte[] bytes = line.trim().getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> parser.parse(bytes, 0, bytes.length)).isInstanceOf(MalformedEntryException.class)
        .hasMessageContaining(reason.trim())
        .satisfies(e -> assertThat(((MalformedEntryException) e).tooLarge()).isFalse());
  }

  @Test
  void refusesInvalidUtf8AndUnescapedControlCharacters() {
    for (byte[] value : List.of(new byte[] {(byte) 0xC3, '('}, new byte[] {(byte) 0xE2, (byte) 0x82}, new byte[] {'a', 0x01})) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      line.writeBytes("{\"A\":\"".getBytes(StandardCharsets.US_ASCII));
      line.writeBytes(value);
      line.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
      byte[] bytes = line.toByteArray();
      assertThatThrownBy(() -> parser.parse(bytes, 0, bytes.length)).isInstanceOf(MalformedEntryException.class)
          .hasMessageContaining("invalid JSON");
    }
  }

  @Test
  void refusesOverTheLimitsAsTooLarge() {
    JournalJsonParser small = new JournalJsonParser(new JournalLimits(8, 100, 2, 1000));
    for (String line : List.of("{\"A\":\"123456789\"}", "{\"A\":[1,2,3,4,5,6,7,8,9]}", "{\"A\":\"1\",\"B\":\"2\",\"C\":\"3\"}",
        "{\"A\":\"" + "x".repeat(100) + "\"}", "{\"A\":\"\u00e9\u00e9\u00e9\u00e9\u00e9\"}")) {
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> small.parse(bytes, 0, bytes.length)).as(line).isInstanceOf(MalformedEntryException.class)
          .satisfies(e -> assertThat(((MalformedEntryException) e).tooLarge()).isTrue());
    }
  }

  /** A line as journalctl could print it, written by Jackson; what it holds goes into the maps. */
  private static byte[] randomLine(Random random, Map<String, List<Object>> values, Set<String> omitted) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
      json.writeStartObject();
      for (int field = random.nextInt(30); field >= 0; field--) {
        String name = random.nextInt(10) == 0 ? randomText(random, 20) + "é" : "FIELD_" + random.nextInt(40);
        if (values.containsKey(name) || omitted.contains(name)) {
          continue;
        }
        json.writeFieldName(name);
        switch (random.nextInt(6)) {
          case 0 -> {
            byte[] bytes = randomBytes(random);
            json.writeArray(toInts(bytes), 0, bytes.length);
            values.put(name, List.of(bytes));
          }
          case 1 -> {
            json.writeNull();
            omitted.add(name);
          }
          case 2 -> {
            json.writeStartArray();
            List<Object> several = new ArrayList<>();
            for (int value = random.nextInt(3) + 2; value > 0; value--) {
              if (random.nextBoolean()) {
                String text = randomText(random, 50);
                json.writeString(text);
                several.add(text);
              } else {
                byte[] bytes = randomBytes(random);
                json.writeArray(toInts(bytes), 0, bytes.length);
                several.add(bytes);
              }
            }
            json.writeEndArray();
            values.put(name, several);
          }
          default -> {
            String text = randomText(random, 300);
            json.writeString(text);
            values.put(name, List.of(text));
          }
        }
      }
      json.writeEndObject();
    }
    return out.toByteArray();
  }

  private static int[] toInts(byte[] bytes) {
    int[] ints = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ints[i] = bytes[i] & 0xFF;
    }
    return ints;
  }

  private static byte[] randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(20)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** Mostly ASCII, with quotes, backslashes, control characters, other scripts and emoji. */
  private static String randomText(Random random, int maxLength) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
      switch (random.nextInt(25)) {
        case 0 -> text.append('"');
        case 1 -> text.append('\\');
        case 2 -> text.append((char) random.nextInt(0x20));
        case 3 -> text.append((char) (0x80 + random.nextInt(0x780)));
        case 4 -> text.append((char) (0x800 + random.nextInt(0xD000)));
        case 5 -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));
        case 6 -> text.append('/');
        default -> text.append((char) (0x20 + random.nextInt(0x5F)));
      }
    }
    return text.toString();
  }
}
