package io.fleetpulse.collector.push;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.collector.journal.MalformedEntryException;
import io.fleetpulse.schemas.DiskSample;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** {@code {"disk":[{"mount","sizeBytes","usedBytes","availBytes","at"}]}} → DiskSample records, or a reason naming the sample. */
final class DiskSamplesParser {

  static final int MAX_SAMPLES = 256;

  private DiskSamplesParser() {}

  static List<DiskSample> parse(Buffer body, DeviceRef device, Instant receivedAt) throws MalformedEntryException {
    JsonArray disk;
    try {
      String text = body.toString(StandardCharsets.UTF_8).strip();
      if (!text.startsWith("{") || !(new JsonObject(text).getValue("disk") instanceof JsonArray array)) {
        throw new MalformedEntryException("expected {\"disk\":[…]}");
      }
      disk = array;
    } catch (DecodeException e) {
      throw new MalformedEntryException("invalid JSON: " + e.getMessage());
    }
    if (disk.size() > MAX_SAMPLES) {
      throw MalformedEntryException.tooLarge("more than " + MAX_SAMPLES + " samples");
    }
    List<DiskSample> samples = new ArrayList<>();
    for (int i = 0; i < disk.size(); i++) {
      if (!(disk.getValue(i) instanceof JsonObject sample)) {
        throw new MalformedEntryException("disk[" + i + "]: not an object");
      }
      String mount = sample.getValue("mount") instanceof String text && !text.isEmpty() ? text : null;
      if (mount == null) {
        throw new MalformedEntryException("disk[" + i + "]: mount must be a non-empty string");
      }
      samples.add(DiskSample.newBuilder()
          .setDeviceUuid(device.uuid())
          .setFleet(device.fleet())
          .setMount(mount)
          .setSizeBytes(bytes(sample, "sizeBytes", i))
          .setUsedBytes(bytes(sample, "usedBytes", i))
          .setAvailBytes(bytes(sample, "availBytes", i))
          .setAt(at(sample, i))
          .setReceivedAt(receivedAt)
          .setSource("push")
          .build());
    }
    return samples;
  }

  private static long bytes(JsonObject sample, String field, int index) throws MalformedEntryException {
    Object value = sample.getValue(field);
    if (!(value instanceof Number number) || number.longValue() < 0 || number.doubleValue() != number.longValue()) {
      throw new MalformedEntryException("disk[" + index + "]: " + field + " must be a whole number of bytes >= 0");
    }
    return number.longValue();
  }

  private static Instant at(JsonObject sample, int index) throws MalformedEntryException {
    try {
      return Instant.parse(String.valueOf(sample.getValue("at")));
    } catch (DateTimeParseException e) {
      throw new MalformedEntryException("disk[" + index + "]: at must be an RFC 3339 UTC time such as 2026-11-27T16:00:00Z");
    }
  }
}
