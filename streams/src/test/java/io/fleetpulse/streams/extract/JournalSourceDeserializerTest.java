package io.fleetpulse.streams.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.JournalEntries;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

class JournalSourceDeserializerTest {

  private static final Instant AT = Instant.parse("2026-11-27T10:00:00Z");
  private final Serializer<JournalEntry> writer = FleetSerdes.journalEntry().serializer();
  private final JournalSourceDeserializer reader = new JournalSourceDeserializer();

  @Test
  void readsEveryFieldButTheFieldMapsOfRandomEntries() {
    Random random = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      JournalEntry entry = randomEntry(random);
      JournalEntry read = reader.deserialize("fleet.journal.balena", writer.serialize("t", entry));
      JournalEntry expected = JournalEntry.newBuilder(entry).setFields(Map.of()).setBinaryFields(Map.of()).build();
      assertThat(read).as("entry %d", i).isEqualTo(expected);
    }
  }

  @Test
  void readsTheTestEntriesLikeTheFullDecoderApartFromTheMaps() {
    JournalEntry entry = JournalEntries.systemd("d1", "balena.service", "balena.service: Main process exited, code=killed, status=9/KILL", AT).build();
    JournalEntry full = FleetSerdes.journalEntry().fromBytes(writer.serialize("t", entry));
    JournalEntry read = reader.deserialize("t", writer.serialize("t", entry));
    assertThat(read.getMessage()).isEqualTo(full.getMessage());
    assertThat(read.getReceivedAt()).isEqualTo(full.getReceivedAt());
    assertThat(read.getFields()).isEmpty();
    assertThat(full.getFields()).isNotEmpty();
  }

  @Test
  void aRecordOfAnotherSchemaVersionGoesThroughTheResolvingDecoder() {
    byte[] bytes = writer.serialize("t", JournalEntries.kernel("d1", "Under-voltage detected! (0x00050005)", AT).build());
    bytes[2] ^= 0x5a;
    assertThatThrownBy(() -> reader.deserialize("t", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Unknown JournalEntry schema fingerprint");
  }

  @Test
  void truncatedOrPaddedRecordsGiveAClearErrorNotAWrongEntry() {
    byte[] bytes = writer.serialize("t", JournalEntries.kernel("d1", "Under-voltage detected! (0x00050005)", AT).build());
    for (int length : new int[] {11, 20, bytes.length / 2, bytes.length - 1}) {
      assertThatThrownBy(() -> reader.deserialize("t", Arrays.copyOf(bytes, length)))
          .as("cut at %d of %d bytes", length, bytes.length)
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("JournalEntry");
    }
    assertThatThrownBy(() -> reader.deserialize("t", Arrays.copyOf(bytes, bytes.length + 3)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("bytes left after the last field");
    assertThatThrownBy(() -> reader.deserialize("t", "not avro".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SerializationException.class);
    assertThat(reader.deserialize("t", null)).isNull();
  }

  private static JournalEntry randomEntry(Random random) {
    Map<String, String> fields = new HashMap<>();
    for (int i = random.nextInt(30); i > 0; i--) {
      fields.put("FIELD_" + i, text(random));
    }
    Map<String, ByteBuffer> binary = new HashMap<>();
    if (random.nextBoolean()) {
      binary.put("COREDUMP", ByteBuffer.wrap(bytes(random)));
    }
    return JournalEntry.newBuilder()
        .setDeviceUuid(text(random))
        .setFleet(text(random))
        .setUnit(text(random))
        .setSyslogIdentifier(random.nextBoolean() ? text(random) : null)
        .setPid(random.nextBoolean() ? random.nextInt() : null)
        .setPriority(random.nextBoolean() ? random.nextInt(8) : null)
        .setTransport(random.nextBoolean() ? text(random) : null)
        .setBootId(random.nextBoolean() ? text(random) : null)
        .setRealtimeUs(random.nextBoolean() ? random.nextLong() : null)
        .setMonotonicUs(random.nextBoolean() ? random.nextLong() : null)
        .setSeqnumId(random.nextBoolean() ? text(random) : null)
        .setSeqnum(random.nextBoolean() ? random.nextLong() : null)
        .setCursor(random.nextBoolean() ? text(random) : null)
        .setHostname(random.nextBoolean() ? text(random) : null)
        .setMessage(random.nextBoolean() ? text(random) : null)
        .setMessageBytes(random.nextBoolean() ? ByteBuffer.wrap(bytes(random)) : null)
        .setFields(fields)
        .setBinaryFields(binary)
        .setReceivedAt(Instant.ofEpochMilli(random.nextLong() >>> 24))
        .setIngest(text(random))
        .build();
  }

  private static String text(Random random) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(40); i > 0; i--) {
      text.appendCodePoint(random.nextInt(10) == 0 ? 0x4e00 + random.nextInt(500) : 0x20 + random.nextInt(0x5f));
    }
    return text.toString();
  }

  private static byte[] bytes(Random random) {
    byte[] bytes = new byte[random.nextInt(64)];
    random.nextBytes(bytes);
    return bytes;
  }
}
