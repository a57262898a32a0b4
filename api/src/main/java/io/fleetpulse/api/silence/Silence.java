package io.fleetpulse.api.silence;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A maintenance window: the alerts of one device (or of every device of a fleet, {@code device} null) are
 * computed and shown as usual but not sent, from {@code startsAt} to {@code endsAt}. {@code endedBy}: who
 * ended it early (null while it runs its course).
 */
public record Silence(String id, String fleet, String device, Instant startsAt, Instant endsAt, String createdBy, String comment,
                      String endedBy) {

  boolean inForce(Instant now) {
    return !now.isBefore(startsAt) && now.isBefore(endsAt);
  }

  /** Whether an alert of {@code alertDevice} in {@code alertFleet} falls under it; a fleet's incident does under its fleet's silence. */
  boolean covers(String alertFleet, String alertDevice) {
    return device != null ? device.equals(alertDevice) : fleet != null && fleet.equals(alertFleet);
  }

  Silence endedBy(String by, Instant now) {
    return new Silence(id, fleet, device, startsAt, now, createdBy, comment, by);
  }

  /** "device 1a2b3c4 (fleet harbor)" or "fleet harbor", for logs. */
  String scope() {
    return device != null ? "device " + device + (fleet == null ? "" : " (fleet " + fleet + ")") : "fleet " + fleet;
  }

  public JsonObject json() {
    return new JsonObject().put("type", "silence").put("id", id).put("fleet", fleet).put("device", device)
        .put("startsAt", startsAt.toString()).put("endsAt", endsAt.toString()).put("createdBy", createdBy).put("comment", comment)
        .put("endedBy", endedBy);
  }

  static Silence of(JsonObject json) {
    return new Silence(json.getString("id"), json.getString("fleet"), json.getString("device"), Instant.parse(json.getString("startsAt")),
        Instant.parse(json.getString("endsAt")), json.getString("createdBy"), json.getString("comment"), json.getString("endedBy"));
  }
}
