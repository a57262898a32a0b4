package io.fleetpulse.collector.push;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes entries in the Journal Export Format, as a test's input for parsers and for systemd-journal-remote. */
public final class ExportWriter {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public ExportWriter text(String name, String value) {
    out.writeBytes((name + "=" + value + "\n").getBytes(StandardCharsets.UTF_8));
    return this;
  }

  public ExportWriter binary(String name, byte[] value) {
    out.writeBytes((name + "\n").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value.length).array());
    out.writeBytes(value);
    out.write('\n');
    return this;
  }

  public ExportWriter endEntry() {
    out.write('\n');
    return this;
  }

  public byte[] bytes() {
    return out.toByteArray();
  }
}
