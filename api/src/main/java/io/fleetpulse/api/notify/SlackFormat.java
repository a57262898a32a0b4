package io.fleetpulse.api.notify;

import io.fleetpulse.schemas.Alert;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Slack incoming webhooks: Block Kit, with {@code text} as the notification fallback. */
final class SlackFormat implements ChatFormat {

  @Override
  public JsonObject message(Alert alert, ChatText text) {
    JsonArray blocks = new JsonArray()
        .add(new JsonObject().put("type", "header").put("text", plain(text.title())))
        .add(new JsonObject().put("type", "section").put("text", new JsonObject().put("type", "mrkdwn").put("text", text.body())))
        .add(new JsonObject().put("type", "actions").put("elements", new JsonArray().add(new JsonObject()
            .put("type", "button").put("text", plain("Open in fleetpulse")).put("url", text.link()))));
    return new JsonObject().put("text", text.fallback()).put("blocks", blocks);
  }

  private static JsonObject plain(String text) {
    // Slack caps header text at 150 characters.
    return new JsonObject().put("type", "plain_text").put("text", text.length() > 150 ? text.substring(0, 149) + "…" : text);
  }
}
