package io.fleetpulse.streams.extract;

import io.fleetpulse.schemas.AvroSerde;
import io.fleetpulse.schemas.FleetSchemaStore;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.JournalEntryLayout;
import io.fleetpulse.schemas.SingleObjectHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the journal topics for the topology: every field of a {@link JournalEntry} except its
 * {@code fields} and {@code binaryFields} maps, which no detector reads and which are most of each
 * record's bytes (decoding them was most of the stream threads' Avro time). The maps come back empty, unless a user's
 * rule in force compares one of those fields ({@code fields:}): then the text fields are read too.
 *
 * <p>Only records written with the current JournalEntry schema are read here, field by field in the
 * order {@link JournalEntryLayout} checks when this is made; a record from another schema version goes
 * through the resolving {@link AvroSerde}, maps and all.
 */
public final class JournalSourceDeserializer implements Deserializer<JournalEntry> {

  private final AvroSerde<JournalEntry> resolving = FleetSerdes.journalEntry();
  private final long currentFingerprint = FleetSchemaStore.fingerprint(JournalEntry.getClassSchema());

  private final BooleanSupplier readFields;

  public JournalSourceDeserializer() {
    this(() -> false);
  }

  /** @param readFields whether the text {@code fields} are wanted now (asked once per record) */
  public JournalSourceDeserializer(BooleanSupplier readFields) {
    JournalEntryLayout.requireCurrent("JournalSourceDeserializer");
    this.readFields = readFields;
  }

  @Override
  public JournalEntry deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (!SingleObjectHeader.startsWithMarker(bytes) || SingleObjectHeader.writerFingerprint(bytes) != currentFingerprint) {
      return resolving.fromBytes(bytes);
    }
    int header = SingleObjectHeader.LENGTH;
    BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, header, bytes.length - header, null);
    try {
      JournalEntry entry = new JournalEntry(in.readString(), in.readString(), in.readString(), optionalString(in),
          optionalInt(in), optionalInt(in), optionalString(in), optionalString(in), optionalLong(in), optionalLong(in),
          optionalString(in), optionalLong(in), optionalString(in), optionalString(in), optionalString(in),
          optionalBytes(in), readFields.getAsBoolean() ? textMap(in) : skipMap(in, false), skipMap(in, true), Instant.ofEpochMilli(in.readLong()), in.readString());
      if (!in.isEnd()) {
        throw new SerializationException("Corrupt JournalEntry record: bytes left after the last field");
      }
      return entry;
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new SerializationException("Corrupt JournalEntry record: " + e.getMessage(), e);
    }
  }

  private static String optionalString(BinaryDecoder in) throws IOException {
    return present(in) ? in.readString() : null;
  }

  private static Integer optionalInt(BinaryDecoder in) throws IOException {
    return present(in) ? in.readInt() : null;
  }

  private static Long optionalLong(BinaryDecoder in) throws IOException {
    return present(in) ? in.readLong() : null;
  }

  private static ByteBuffer optionalBytes(BinaryDecoder in) throws IOException {
    return present(in) ? in.readBytes(null) : null;
  }

  /** Union ["null", T]: branch 1 is the value. */
  private static boolean present(BinaryDecoder in) throws IOException {
    int branch = in.readIndex();
    if (branch > 1) {
      throw new SerializationException("Corrupt JournalEntry record: union branch " + branch);
    }
    return branch == 1;
  }

  private static Map<String, String> textMap(BinaryDecoder in) throws IOException {
    Map<String, String> map = new HashMap<>();
    for (long block = in.readMapStart(); block != 0; block = in.mapNext()) {
      for (long i = 0; i < block; i++) {
        map.put(in.readString(), in.readString());
      }
    }
    return map;
  }

  private static <V> Map<String, V> skipMap(BinaryDecoder in, boolean bytesValues) throws IOException {
    for (long block = in.skipMap(); block != 0; block = in.skipMap()) {
      for (long i = 0; i < block; i++) {
        in.skipString();
        if (bytesValues) {
          in.skipBytes();
        } else {
          in.skipString();
        }
      }
    }
    return Map.of();
  }
}
