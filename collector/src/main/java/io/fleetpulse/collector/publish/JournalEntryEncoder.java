package io.fleetpulse.collector.publish;

import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.JournalEntryLayout;
import io.fleetpulse.schemas.SingleObjectHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a {@link JournalEntry} in Avro single-object encoding, the bytes
 * {@code FleetSerdes.journalEntry().serializer()} writes, field by field in the schema's order.
 *
 * <p>Avro's generic writer resolves every union branch and dispatches every field through its schema
 * walk; for journal entries that was a quarter of the push ingest's CPU. This writer knows the one
 * schema, so it is plain varints and copies into one growing buffer. It refuses to start against any
 * other version of the schema (a changed field list would otherwise write wrong records silently).
 *
 * <p>Not thread-safe: one per thread, reused entry after entry; {@link #serializer()} keeps one per thread.
 */
public final class JournalEntryEncoder {

  private static final byte[] HEADER = header();

  private byte[] buffer = new byte[2048];
  private int position;

  /** A Kafka serializer of journal entries, usable from any thread: a drop-in for the serde's. */
  public static Serializer<JournalEntry> serializer() {
    ThreadLocal<JournalEntryEncoder> encoders = ThreadLocal.withInitial(JournalEntryEncoder::new);
    return (topic, entry) -> entry == null ? null : encoders.get().encode(entry);
  }

  public byte[] encode(JournalEntry entry) {
    position = 0;
    writeRaw(HEADER, 0, HEADER.length);
    writeString(entry.getDeviceUuid());
    writeString(entry.getFleet());
    writeString(entry.getUnit());
    writeOptionalString(entry.getSyslogIdentifier());
    writeOptionalLong(entry.getPid());
    writeOptionalLong(entry.getPriority());
    writeOptionalString(entry.getTransport());
    writeOptionalString(entry.getBootId());
    writeOptionalLong(entry.getRealtimeUs());
    writeOptionalLong(entry.getMonotonicUs());
    writeOptionalString(entry.getSeqnumId());
    writeOptionalLong(entry.getSeqnum());
    writeOptionalString(entry.getCursor());
    writeOptionalString(entry.getHostname());
    writeOptionalString(entry.getMessage());
    ByteBuffer messageBytes = entry.getMessageBytes();
    if (messageBytes == null) {
      writeLong(0);
    } else {
      writeLong(1);
      writeBytes(messageBytes);
    }
    Map<String, String> fields = entry.getFields();
    writeMapStart(fields.size());
    for (Map.Entry<String, String> field : fields.entrySet()) {
      writeString(field.getKey());
      writeString(field.getValue());
    }
    writeLong(0);
    Map<String, ByteBuffer> binaryFields = entry.getBinaryFields();
    writeMapStart(binaryFields.size());
    for (Map.Entry<String, ByteBuffer> field : binaryFields.entrySet()) {
      writeString(field.getKey());
      writeBytes(field.getValue());
    }
    writeLong(0);
    writeLong(entry.getReceivedAt().toEpochMilli());
    writeString(entry.getIngest());
    return Arrays.copyOf(buffer, position);
  }

  /** A map is written in blocks: one block of all its entries (if any), then the empty block that ends it. */
  private void writeMapStart(int size) {
    if (size > 0) {
      writeLong(size);
    }
  }

  /** A {@code ["null", T]} union: branch 0 for null, else branch 1 and the value. */
  private void writeOptionalString(String value) {
    if (value == null) {
      writeLong(0);
    } else {
      writeLong(1);
      writeString(value);
    }
  }

  /** Avro writes ints and longs alike (zig-zag varint), so one method serves both. */
  private void writeOptionalLong(Number value) {
    if (value == null) {
      writeLong(0);
    } else {
      writeLong(1);
      writeLong(value.longValue());
    }
  }

  private void writeString(String value) {
    // The JDK's encoder copies ASCII (nearly all journal text) in bulk; Avro encodes char by char.
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    writeLong(utf8.length);
    writeRaw(utf8, 0, utf8.length);
  }

  private void writeBytes(ByteBuffer value) {
    int length = value.remaining();
    writeLong(length);
    ensure(length);
    value.duplicate().get(buffer, position, length);
    position += length;
  }

  private void writeLong(long value) {
    ensure(10);
    long zigZag = (value << 1) ^ (value >> 63);
    while ((zigZag & ~0x7FL) != 0) {
      buffer[position++] = (byte) ((zigZag & 0x7F) | 0x80);
      zigZag >>>= 7;
    }
    buffer[position++] = (byte) zigZag;
  }

  private void writeRaw(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, buffer, position, length);
    position += length;
  }

  private void ensure(int more) {
    if (position + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(position + more, buffer.length * 2));
    }
  }

  private static byte[] header() {
    JournalEntryLayout.requireCurrent("JournalEntryEncoder");
    return SingleObjectHeader.of(JournalEntry.getClassSchema());
  }
}
