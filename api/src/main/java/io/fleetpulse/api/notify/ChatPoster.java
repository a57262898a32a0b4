package io.fleetpulse.api.notify;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;

/**
 * Posts chat messages the way a route is set up: to an incoming webhook, or, for a Slack route with a bot token,
 * through Slack's Web API ({@code chat.postMessage} to its channel), which answers with the message's {@code ts} so
 * the message can be edited later ({@code chat.update}). Slack's API answers 200 with {@code "ok": false} when it
 * refuses (a wrong token, an unknown channel): that is a failed delivery, named by Slack's error.
 */
final class ChatPoster {

  /** How a post went, and for a Slack bot route the posted message's {@code ts}. */
  record Posted(WebhookSender.Outcome outcome, Optional<String> ts) {}

  private final WebhookSender sender;

  ChatPoster(WebhookSender sender) {
    this.sender = sender;
  }

  Posted post(NotifyRoute route, JsonObject message) throws InterruptedException {
    if (!route.slackBot()) {
      return new Posted(sender.send(route, message.encode(), Map.of()), Optional.empty());
    }
    return call(route, "chat.postMessage", message.copy().put("channel", route.channel()));
  }

  /** Replaces a message this route posted through Slack's Web API. */
  WebhookSender.Outcome update(NotifyRoute route, String ts, JsonObject message) throws InterruptedException {
    return call(route, "chat.update", message.copy().put("channel", route.channel()).put("ts", ts)).outcome();
  }

  private Posted call(NotifyRoute route, String method, JsonObject payload) throws InterruptedException {
    WebhookSender.Outcome outcome = sender.send(route, route.url() + "/" + method, payload.encode(),
        Map.of("Authorization", "Bearer " + route.token()));
    if (!outcome.delivered()) {
      return new Posted(outcome, Optional.empty());
    }
    JsonObject answer;
    try {
      answer = new JsonObject(outcome.answer() == null ? "{}" : outcome.answer());
    } catch (DecodeException e) {
      answer = new JsonObject();
    }
    if (!answer.getBoolean("ok", false)) {
      return new Posted(new WebhookSender.Outcome(false, false, outcome.attempts(),
          "Slack " + method + " refused: " + answer.getString("error", "no ok in its answer")), Optional.empty());
    }
    return new Posted(outcome, Optional.ofNullable(answer.getString("ts")));
  }
}
