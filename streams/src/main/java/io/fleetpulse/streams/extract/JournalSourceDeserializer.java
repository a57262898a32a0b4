package io.fleetpulse.streams.extract;

import io.fleetpulse.schemas.AvroSerde;
import io.fleetpulse.schemas.FleetSchemaStore;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the journal topics for the topology: every field of a {@link JournalEntry} except its
 * {@code fields} and {@code binaryFields} maps, which no detector reads and which are most of each
 * record's bytes (decoding them was most of the stream threads' Avro time). The maps come back empty.
 *
 * <p>Only records written with the current JournalEntry schema are read here, field by field in its
 * order; a record from another schema version goes through the resolving {@link AvroSerde}, maps and
 * all. The field order is checked against the schema when this is made, so a schema change cannot
 * silently misread records.
 */
public final class JournalSourceDeserializer implements Deserializer<JournalEntry> {

  private static final List<String> FIELD_ORDER = List.of("deviceUuid", "fleet", "unit", "syslogIdentifier", "pid",
      "priority", "transport", "bootId", "realtimeUs", "monotonicUs", "seqnumId", "seqnum", "cursor", "hostname",
      "message", "messageBytes", "fields", "binaryFields", "receivedAt", "ingest");
  private static final int HEADER_LENGTH = 10;

  private final AvroSerde<JournalEntry> resolving = FleetSerdes.journalEntry();
  private final long currentFingerprint = FleetSchemaStore.fingerprint(JournalEntry.getClassSchema());

  public JournalSourceDeserializer() {
    List<String> fields = JournalEntry.getClassSchema().getFields().stream().map(Schema.Field::name).toList();
    if (!fields.equals(FIELD_ORDER)) {
      throw new IllegalStateException("JournalEntry's fields are now " + fields + ", not " + FIELD_ORDER
          + ": teach JournalSourceDeserializer the new schema");
    }
  }

  @Override
  public JournalEntry deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (bytes.length < HEADER_LENGTH || writerFingerprint(bytes) != currentFingerprint) {
      return resolving.fromBytes(bytes);
    }
    BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
    try {
      JournalEntry entry = new JournalEntry(in.readString(), in.readString(), in.readString(), optionalString(in),
          optionalInt(in), optionalInt(in), optionalString(in), optionalString(in), optionalLong(in), optionalLong(in),
          optionalString(in), optionalLong(in), optionalString(in), optionalString(in), optionalString(in),
          optionalBytes(in), skipMap(in, false), skipMap(in, true), Instant.ofEpochMilli(in.readLong()), in.readString());
      if (!in.isEnd()) {
        throw new SerializationException("Corrupt JournalEntry record: bytes left after the last field");
      }
      return entry;
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new SerializationException("Corrupt JournalEntry record: " + e.getMessage(), e);
    }
  }

  private static long writerFingerprint(byte[] bytes) {
    return ByteBuffer.wrap(bytes, 2, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
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
