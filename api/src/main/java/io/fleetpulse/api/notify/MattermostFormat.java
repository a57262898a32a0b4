package io.fleetpulse.api.notify;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Mattermost incoming webhooks: Slack-compatible attachments (Mattermost does not render Block Kit). */
final class MattermostFormat implements ChatFormat {

  @Override
  public JsonObject message(Alert alert, ChatText text) {
    JsonObject attachment = new JsonObject()
        .put("fallback", text.fallback())
        .put("color", color(alert))
        .put("title", text.title())
        .put("title_link", text.link())
        .put("text", text.body());
    return new JsonObject().put("text", text.fallback()).put("attachments", new JsonArray().add(attachment));
  }

  static String color(Alert alert) {
    if (alert.getState() == AlertState.RESOLVED) {
      return "#2eb67d";
    }
    return alert.getSeverity() == Severity.critical ? "#e01e5a" : "#ecb22e";
  }
}
