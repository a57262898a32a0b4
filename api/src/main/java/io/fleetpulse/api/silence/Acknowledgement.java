package io.fleetpulse.api.silence;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Someone took a firing alert in hand: it stays visible, and is not sent again (re-sends, redeliveries, updates). */
public record Acknowledgement(String alertId, String by, Instant at, String note) {

  public JsonObject json() {
    return new JsonObject().put("type", "acknowledgement").put("alertId", alertId).put("by", by).put("at", at.toString())
        .put("note", note);
  }

  static Acknowledgement of(JsonObject json) {
    return new Acknowledgement(json.getString("alertId"), json.getString("by"), Instant.parse(json.getString("at")), json.getString("note"));
  }
}
