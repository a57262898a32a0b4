package io.fleetpulse.collector.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournalExportParserTest {

  private static final JournalLimits LIMITS = new JournalLimits(1024, 4096, 16, 1 << 20);

  @Test
  void readsTextAndBinaryFieldsAndSeparatesEntriesByEmptyLines() throws Exception {
    byte[] binary = {'a', '\n', 0, (byte) 0xff};
    byte[] body = concat(
        ascii("__CURSOR=s=abc;i=1f\n__REALTIME_TIMESTAMP=1700000000000000\nMESSAGE=first\n\n"),
        ascii("MESSAGE\n"), le64(binary.length), binary, ascii("\n_SYSTEMD_UNIT=balena.service\n\n"));

    List<JournalFields> entries = parseWhole(body);

    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).text("__CURSOR")).isEqualTo("s=abc;i=1f");
    assertThat(entries.get(0).text("MESSAGE")).isEqualTo("first");
    assertThat(entries.get(1).first("MESSAGE")).isEqualTo(binary);
    assertThat(entries.get(1).text("_SYSTEMD_UNIT")).isEqualTo("balena.service");
  }

  @Test
  void givesTheSameEntriesHoweverTheStreamIsCut() throws Exception {
    byte[] binary = "line one\nline two".getBytes(StandardCharsets.UTF_8);
    byte[] body = concat(ascii("A=1\nB\n"), le64(binary.length), binary, ascii("\nC=3\n\nA=4\n\n"));
    for (int cut = 0; cut <= body.length; cut++) {
      List<JournalFields> entries = new ArrayList<>();
      JournalExportParser parser = new JournalExportParser(LIMITS);
      parser.feed(body, 0, cut, entries::add);
      parser.feed(body, cut, body.length - cut, entries::add);
      parser.finish(entries::add);
      assertThat(entries).as("cut at %d", cut).hasSize(2);
      assertThat(entries.get(0).first("B")).isEqualTo(binary);
      assertThat(entries.get(1).text("A")).isEqualTo("4");
    }
  }

  @Test
  void skipsUnknownInternalFieldsButKeepsCursorTimestampsAndSequenceNumbers() throws Exception {
    byte[] secret = {1, 2, 3};
    byte[] body = concat(ascii("__SEQNUM=5\n__SEQNUM_ID=abc\n__MONOTONIC_TIMESTAMP=9\n__SOMETHING_NEW=x\n__BINARY_NEW\n"),
        le64(secret.length), secret, ascii("\nMESSAGE=hi\n\n"));

    JournalFields entry = parseWhole(body).get(0);

    assertThat(entry.names()).containsExactlyInAnyOrder("__SEQNUM", "__SEQNUM_ID", "__MONOTONIC_TIMESTAMP", "MESSAGE");
  }

  @Test
  void acceptsALastEntryWithoutItsClosingEmptyLineAndIgnoresExtraEmptyLines() throws Exception {
    assertThat(parseWhole(ascii("\n\nA=1\n\n\n\nA=2\n"))).extracting(fields -> fields.text("A")).containsExactly("1", "2");
  }

  @Test
  void refusesAnAbsurdBinaryLengthBeforeAllocatingIt() {
    byte[] body = concat(ascii("MESSAGE\n"), le64(Long.MAX_VALUE - 7));
    assertThatThrownBy(() -> parseWhole(body))
        .isInstanceOfSatisfying(MalformedEntryException.class, e -> assertThat(e.tooLarge()).isTrue())
        .hasMessageContaining("binary field MESSAGE declares 9223372036854775800 bytes, over the limit of 1024");
    byte[] topBitSet = concat(ascii("MESSAGE\n"), le64(-1));
    assertThatThrownBy(() -> parseWhole(topBitSet)).hasMessageContaining("declares 18446744073709551615 bytes");
  }

  @Test
  void refusesMalformedStreamsWithAReason() {
    assertThatThrownBy(() -> parseWhole(concat(ascii("MESSAGE\n"), le64(2), ascii("hiX\n\n"))))
        .hasMessageContaining("binary field MESSAGE is not followed by a newline after its 2 bytes");
    assertThatThrownBy(() -> parseWhole(ascii("MESS AGE=x\n\n"))).hasMessageContaining("field name contains byte 0x20");
    assertThatThrownBy(() -> parseWhole(ascii("MESSAGE=no newline at the end"))).hasMessageContaining("ended inside field MESSAGE");
    assertThatThrownBy(() -> parseWhole(concat(ascii("MESSAGE\n"), le64(10), ascii("short"))))
        .hasMessageContaining("ended inside field MESSAGE");
  }

  @Test
  void enforcesFieldEntryAndFieldCountLimits() {
    assertThatThrownBy(() -> parseWhole(ascii("MESSAGE=" + "x".repeat(1025) + "\n\n"))).hasMessageContaining("field MESSAGE is over the limit of 1024");
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      big.append("F").append(i).append('=').append("y".repeat(1000)).append('\n');
    }
    assertThatThrownBy(() -> parseWhole(ascii(big + "\n"))).hasMessageContaining("entry is over the limit of 4096");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 17; i++) {
      many.append("F").append(i).append("=1\n");
    }
    assertThatThrownBy(() -> parseWhole(ascii(many + "\n"))).hasMessageContaining("more than 16 fields");
  }

  static List<JournalFields> parseWhole(byte[] body) throws MalformedEntryException {
    List<JournalFields> entries = new ArrayList<>();
    JournalExportParser parser = new JournalExportParser(LIMITS);
    parser.feed(body, 0, body.length, entries::add);
    parser.finish(entries::add);
    return entries;
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] le64(long value) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
