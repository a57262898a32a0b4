package io.fleetpulse.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one Avro record type in single-object encoding: {@code C3 01}, the writer schema's
 * 8-byte fingerprint, then the binary record. No registry service is needed: the reader resolves the
 * fingerprint in a {@link FleetSchemaStore}.
 *
 * <p>The header is read and written here, and the body decoded straight from the byte array and
 * encoded through a buffered encoder: Avro's {@code BinaryMessageDecoder}/{@code BinaryMessageEncoder}
 * go through streams and the unbuffered {@code DirectBinaryDecoder}/{@code DirectBinaryEncoder}
 * (byte by byte), which cost nearly twice as much per journal entry; the bytes are the same. One
 * resolving reader per writer fingerprint and one writer, shared by all threads; the encoder's
 * buffers are per thread.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

  static {
    // Avro only instantiates classes it is told to trust; trust exactly our generated records and enums.
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
        ClassSecurityValidator.getGlobal(),
        ClassSecurityValidator.builder()
            .add(JournalEntry.class).add(DeviceEvent.class).add(EventKind.class)
            .add(Alert.class).add(AlertKind.class).add(Severity.class).add(AlertState.class)
            .add(DeviceHealth.class).add(HealthCheck.class).add(Software.class).add(Status.class).add(DiskSample.class)
            .add(DeviceStatus.class).add(DeviceFacts.class).add(ConnectionState.class).add(RestartOutlier.class).add(RuleRef.class)
            .build()));
    // Nullable timestamps (["null", timestamp-millis]) hold Instants; the generic model compares and
    // resolves union branches of decoded arrays, so it must know them too.
    GenericData.get().addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    SpecificData.get().addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
  }

  private static final ThreadLocal<Encoding> ENCODING = ThreadLocal.withInitial(Encoding::new);

  private final SpecificData model;
  private final Schema schema;
  private final FleetSchemaStore store;
  private final byte[] header;
  private final DatumWriter<T> writer;
  /**
   * Older schemas, oldest first: a record is written with the first one it needs nothing newer than (two-release rule);
   * empty when only the current schema is written.
   */
  private final List<Previous<T>> previous;
  private final Map<Long, DatumReader<T>> readersByWriterFingerprint = new ConcurrentHashMap<>();

  /** One thread's output buffer and encoder, reused record after record. */
  private static final class Encoding {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    BinaryEncoder encoder;
  }

  /**
   * Writing with the previous schema: it must be the current one without fields added at its end, so each old
   * field keeps its position.
   */
  private record Previous<T>(byte[] header, DatumWriter<T> writer, Predicate<T> enough) {}

  /** An older schema of a record type, and which records it can carry (those that use nothing added since). */
  public record OlderSchema<T>(Schema schema, Predicate<T> enough) {}

  public AvroSerde(Class<T> type, FleetSchemaStore store) {
    this(type, store, List.of());
  }

  @SuppressWarnings("unchecked")
  private AvroSerde(Class<T> type, FleetSchemaStore store, List<OlderSchema<T>> older) {
    this.model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.store = store;
    this.header = SingleObjectHeader.of(schema);
    this.writer = (DatumWriter<T>) model.createDatumWriter(schema);
    this.previous = older.stream().map(schema -> new Previous<>(SingleObjectHeader.of(schema.schema()),
        (DatumWriter<T>) model.createDatumWriter(schema.schema()), schema.enough())).toList();
  }

  /**
   * A serde that writes {@code previousSchema} for every record {@code enough} accepts (its new fields at their
   * defaults), so instances of the previous release, which know only that schema, still read them during a rolling
   * upgrade; only records that use what is new get the current schema.
   */
  public static <T extends SpecificRecord> AvroSerde<T> writingPrevious(Class<T> type, FleetSchemaStore store, Schema previousSchema,
                                                                        Predicate<T> enough) {
    return writingOlder(type, store, List.of(new OlderSchema<>(previousSchema, enough)));
  }

  /**
   * As {@link #writingPrevious}, with several older schemas, oldest first: each record is written with the oldest one
   * that can carry it. An enum symbol added after the last one keeps every older symbol's ordinal, so an older schema
   * still writes records of the older symbols.
   */
  public static <T extends SpecificRecord> AvroSerde<T> writingOlder(Class<T> type, FleetSchemaStore store, List<OlderSchema<T>> older) {
    Schema current = SpecificData.getForClass(type).getSchema(type);
    for (OlderSchema<T> schema : older) {
      List<Schema.Field> old = schema.schema().getFields();
      for (int i = 0; i < old.size(); i++) {
        if (!old.get(i).name().equals(current.getFields().get(i).name())) {
          throw new IllegalArgumentException("the previous " + current.getName() + " schema must be the current one without its last "
              + "fields; field " + i + " is " + old.get(i).name() + ", now " + current.getFields().get(i).name());
        }
      }
    }
    return new AvroSerde<>(type, store, older);
  }

  public Schema schema() {
    return schema;
  }

  public byte[] toBytes(T record) {
    Encoding encoding = ENCODING.get();
    encoding.out.reset();
    Previous<T> old = null;
    for (Previous<T> candidate : previous) {
      if (candidate.enough().test(record)) {
        old = candidate;
        break;
      }
    }
    try {
      encoding.out.write(old != null ? old.header() : header);
      encoding.encoder = EncoderFactory.get().binaryEncoder(encoding.out, encoding.encoder);
      (old != null ? old.writer() : writer).write(record, encoding.encoder);
      encoding.encoder.flush();
      return encoding.out.toByteArray();
    } catch (IOException | AvroRuntimeException e) {
      throw new SerializationException("Cannot encode " + schema.getName() + ": " + e.getMessage(), e);
    }
  }

  public T fromBytes(byte[] bytes) {
    if (!SingleObjectHeader.startsWithMarker(bytes)) {
      throw new SerializationException("Not an Avro single-object encoded " + schema.getName() + ": "
          + (bytes.length < SingleObjectHeader.LENGTH ? "only " + bytes.length + " bytes" : "unrecognized header bytes"));
    }
    DatumReader<T> reader = readerFor(SingleObjectHeader.writerFingerprint(bytes));
    try {
      int length = SingleObjectHeader.LENGTH;
      return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, length, bytes.length - length, null));
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
      throw new SerializationException("Corrupt " + schema.getName() + " record: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private DatumReader<T> readerFor(long fingerprint) {
    return readersByWriterFingerprint.computeIfAbsent(fingerprint, key -> {
      Schema writer = store.findByFingerprint(key);
      if (writer == null) {
        throw new SerializationException(String.format(
            "Unknown %s schema fingerprint %016x: the record was written by a schema this reader does not know "
                + "(a newer fleetpulse?). Upgrade readers before writers, and keep old schemas in FleetSchemaStore.",
            schema.getName(), key));
      }
      return (DatumReader<T>) model.createDatumReader(writer, schema);
    });
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, record) -> record == null ? null : toBytes(record);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
  }
}
