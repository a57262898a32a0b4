package io.fleetpulse.simulator;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Entries in the Journal Export Format, as {@code systemd-journal-upload} sends them: {@code NAME=value}
 * lines, a value containing a newline as {@code NAME}, newline, its length as 64-bit little-endian, the
 * bytes and a newline; a blank line after each entry.
 */
final class JournalExport {

  private JournalExport() {}

  static byte[] of(List<JsonObject> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (JsonObject entry : entries) {
      for (Map.Entry<String, Object> field : entry) {
        byte[] name = field.getKey().getBytes(StandardCharsets.UTF_8);
        byte[] value = String.valueOf(field.getValue()).getBytes(StandardCharsets.UTF_8);
        out.writeBytes(name);
        if (indexOfNewline(value) < 0) {
          out.write('=');
          out.writeBytes(value);
        } else {
          out.write('\n');
          out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value.length).array());
          out.writeBytes(value);
        }
        out.write('\n');
      }
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static int indexOfNewline(byte[] value) {
    for (int i = 0; i < value.length; i++) {
      if (value[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
