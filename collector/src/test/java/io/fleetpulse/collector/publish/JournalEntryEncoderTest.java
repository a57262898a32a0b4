package io.fleetpulse.collector.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.collector.journal.JournalEntryNormalizer;
import io.fleetpulse.collector.journal.JournalJsonParser;
import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.kafka.JournalFixtures;
import io.fleetpulse.schemas.AvroSerde;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The hand-written encoder must write exactly the bytes of the Avro serde the rest of fleetpulse reads with. */
class JournalEntryEncoderTest {

  private static final DeviceRef DEVICE = new DeviceRef("0123456789abcdef0123456789abcdef", "harbor");
  private final AvroSerde<JournalEntry> serde = FleetSerdes.journalEntry();
  private final JournalEntryEncoder encoder = new JournalEntryEncoder();

  @Test
  void writesTheSerdesBytesForEveryMasterclassEntry() throws Exception {
    JournalJsonParser parser = new JournalJsonParser(JournalLimits.DEFAULT);
    JournalEntryNormalizer normalizer = new JournalEntryNormalizer();
    int entries = 0;
    try (Stream<Path> files = Files.list(JournalFixtures.dir().resolve("masterclass"))) {
      for (Path file : files.filter(path -> path.toString().endsWith(".ndjson")).sorted().toList()) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (line.isBlank()) {
            continue;
          }
          byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
          JournalEntry entry = normalizer.normalize(parser.parse(bytes, 0, bytes.length), DEVICE, Instant.now(), "push-json");
          assertSameBytes(entry);
          entries++;
        }
      }
    }
    assertThat(entries).as("masterclass entries").isGreaterThan(100);
  }

  @Test
  void writesTheSerdesBytesForRandomEntries() {
    Random random = new Random(20261127);
    for (int i = 0; i < 5_000; i++) {
      assertSameBytes(randomEntry(random));
    }
  }

  @Test
  void writesEntriesLargerThanItsStartingBuffer() {
    JournalEntry entry = randomEntry(new Random(1));
    entry.setMessage("x".repeat(100_000));
    entry.setBinaryFields(Map.of("BLOB", ByteBuffer.wrap(new byte[70_000])));
    assertSameBytes(entry);
    assertSameBytes(randomEntry(new Random(2)));
  }

  @Test
  void servesAsAKafkaSerializer() {
    JournalEntry entry = randomEntry(new Random(3));
    assertThat(JournalEntryEncoder.serializer().serialize("fleet.journal.balena", entry))
        .isEqualTo(serde.serializer().serialize("fleet.journal.balena", entry));
    assertThat(JournalEntryEncoder.serializer().serialize("fleet.journal.balena", null)).isNull();
  }

  private void assertSameBytes(JournalEntry entry) {
    byte[] expected = serde.serializer().serialize("fleet.journal.balena", entry);
    byte[] written = encoder.encode(entry);
    assertThat(written).as("bytes of %s", entry).isEqualTo(expected);
  }

  private static JournalEntry randomEntry(Random random) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = random.nextInt(30); i > 0; i--) {
      fields.put(randomText(random, 12), randomText(random, 200));
    }
    Map<String, ByteBuffer> binary = new LinkedHashMap<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      binary.put(randomText(random, 12), ByteBuffer.wrap(randomBytes(random, 300)));
    }
    return JournalEntry.newBuilder()
        .setDeviceUuid(randomText(random, 62))
        .setFleet(randomText(random, 20))
        .setUnit(randomText(random, 40))
        .setSyslogIdentifier(maybe(random, randomText(random, 20)))
        .setPid(maybe(random, random.nextInt()))
        .setPriority(maybe(random, random.nextInt(8)))
        .setTransport(maybe(random, randomText(random, 10)))
        .setBootId(maybe(random, randomText(random, 32)))
        .setRealtimeUs(maybe(random, randomLong(random)))
        .setMonotonicUs(maybe(random, randomLong(random)))
        .setSeqnumId(maybe(random, randomText(random, 32)))
        .setSeqnum(maybe(random, randomLong(random)))
        .setCursor(maybe(random, randomText(random, 150)))
        .setHostname(maybe(random, randomText(random, 20)))
        .setMessage(maybe(random, randomText(random, 2000)))
        .setMessageBytes(maybe(random, ByteBuffer.wrap(randomBytes(random, 500))))
        .setFields(fields)
        .setBinaryFields(binary)
        .setReceivedAt(Instant.ofEpochMilli(randomLong(random) / 1000))
        .setIngest(random.nextBoolean() ? "push-json" : randomText(random, 12))
        .build();
  }

  private static <T> T maybe(Random random, T value) {
    return random.nextInt(4) == 0 ? null : value;
  }

  /** Small, huge and negative numbers: every varint length. */
  private static long randomLong(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> random.nextInt(128);
      case 1 -> random.nextLong();
      case 2 -> List.of(Long.MIN_VALUE, Long.MAX_VALUE, -1L, 0L).get(random.nextInt(4));
      default -> Math.abs(random.nextLong()) >>> random.nextInt(64);
    };
  }

  /** Mostly ASCII, with Latin-1, other scripts, emoji (surrogate pairs), lone surrogates and NULs. */
  private static String randomText(Random random, int maxLength) {
    int length = random.nextInt(maxLength + 1);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(20)) {
        case 0 -> text.append((char) (0x80 + random.nextInt(0x780)));
        case 1 -> text.append((char) (0x800 + random.nextInt(0xD000)));
        case 2 -> text.appendCodePoint(0x10000 + random.nextInt(0x100000));
        case 3 -> text.append((char) (0xD800 + random.nextInt(0x800)));
        case 4 -> text.append('\0');
        default -> text.append((char) (0x20 + random.nextInt(0x5F)));
      }
    }
    return text.toString();
  }

  private static byte[] randomBytes(Random random, int maxLength) {
    byte[] bytes = new byte[random.nextInt(maxLength + 1)];
    random.nextBytes(bytes);
    return bytes;
  }
}
