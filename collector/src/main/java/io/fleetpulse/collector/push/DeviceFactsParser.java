package io.fleetpulse.collector.push;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.collector.journal.MalformedEntryException;
import io.fleetpulse.schemas.DeviceFacts;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * {@code {"os","supervisor","release","deviceType"}} (any non-empty subset) → a DeviceFacts record, or a reason naming
 * the field. Facts are short names and versions: anything else (another field, a number, a control character, a
 * value past {@value #MAX_VALUE} characters) is refused, not trimmed, so a typo never files a device under a release
 * that does not exist.
 */
final class DeviceFactsParser {

  static final List<String> FIELDS = List.of("os", "supervisor", "release", "deviceType");
  static final int MAX_VALUE = 128;

  private DeviceFactsParser() {}

  static DeviceFacts parse(Buffer body, DeviceRef device, Instant receivedAt) throws MalformedEntryException {
    JsonObject json;
    try {
      String text = body.toString(StandardCharsets.UTF_8).strip();
      if (!text.startsWith("{")) {
        throw new MalformedEntryException("expected a JSON object such as {\"os\":\"balenaOS 2.115.1\",\"release\":\"3f2a1c0\"}");
      }
      json = new JsonObject(text);
    } catch (DecodeException e) {
      throw new MalformedEntryException("invalid JSON: " + e.getMessage());
    }
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new MalformedEntryException("unknown field " + quoted(field) + ": facts are " + String.join(", ", FIELDS));
      }
    }
    DeviceFacts facts = DeviceFacts.newBuilder()
        .setDeviceUuid(device.uuid())
        .setFleet(device.fleet())
        .setOs(value(json, "os"))
        .setSupervisor(value(json, "supervisor"))
        .setRelease(value(json, "release"))
        .setDeviceType(value(json, "deviceType"))
        .setSource("push")
        .setAt(receivedAt)
        .build();
    if (facts.getOs() == null && facts.getSupervisor() == null && facts.getRelease() == null && facts.getDeviceType() == null) {
      throw new MalformedEntryException("no facts: send at least one of " + String.join(", ", FIELDS));
    }
    return facts;
  }

  private static String value(JsonObject json, String field) throws MalformedEntryException {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text) || text.isBlank()) {
      throw new MalformedEntryException(field + " must be a non-empty string");
    }
    if (text.length() > MAX_VALUE) {
      throw new MalformedEntryException(field + " is " + text.length() + " characters, over the limit of " + MAX_VALUE);
    }
    if (text.chars().anyMatch(Character::isISOControl)) {
      throw new MalformedEntryException(field + " contains a control character");
    }
    return text.strip();
  }

  /** A field name as the client sent it, cut short and without control characters, for the error message. */
  private static String quoted(String field) {
    String shown = field.length() > 40 ? field.substring(0, 40) + "…" : field;
    return "\"" + shown.replaceAll("\\p{Cntrl}", "?") + "\"";
  }
}
