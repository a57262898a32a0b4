package io.fleetpulse.api.notify;

import io.fleetpulse.schemas.Alert;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Microsoft Teams (Workflows webhooks): a message carrying one Adaptive Card. */
final class TeamsFormat implements ChatFormat {

  @Override
  public JsonObject message(Alert alert, ChatText text) {
    JsonObject card = new JsonObject()
        .put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
        .put("type", "AdaptiveCard")
        .put("version", "1.4")
        .put("body", new JsonArray()
            .add(new JsonObject().put("type", "TextBlock").put("size", "Medium").put("weight", "Bolder").put("wrap", true)
                .put("text", text.title()))
            .add(new JsonObject().put("type", "TextBlock").put("wrap", true).put("text", text.body())))
        .put("actions", new JsonArray().add(new JsonObject()
            .put("type", "Action.OpenUrl").put("title", "Open in fleetpulse").put("url", text.link())));
    return new JsonObject()
        .put("type", "message")
        .put("summary", text.fallback())
        .put("attachments", new JsonArray().add(new JsonObject()
            .put("contentType", "application/vnd.microsoft.card.adaptive")
            .put("content", card)));
  }
}
