package io.fleetpulse.schemas;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.Schema;

/**
 * The header of Avro's single-object encoding, in front of every fleetpulse record: the marker
 * {@code C3 01}, then the writer schema's 64-bit fingerprint, little-endian.
 */
public final class SingleObjectHeader {

  public static final int LENGTH = 2 + Long.BYTES;

  private static final byte MARKER_0 = (byte) 0xC3;
  private static final byte MARKER_1 = (byte) 0x01;

  private SingleObjectHeader() {}

  /** The header of records written with {@code schema}. */
  public static byte[] of(Schema schema) {
    return ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN)
        .put(MARKER_0).put(MARKER_1).putLong(FleetSchemaStore.fingerprint(schema)).array();
  }

  /** Whether {@code record} is long enough for a header and starts with the marker. */
  public static boolean startsWithMarker(byte[] record) {
    return record.length >= LENGTH && record[0] == MARKER_0 && record[1] == MARKER_1;
  }

  /** The writer schema's fingerprint; {@code record} must be at least {@link #LENGTH} bytes. */
  public static long writerFingerprint(byte[] record) {
    return ByteBuffer.wrap(record, 2, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }
}
