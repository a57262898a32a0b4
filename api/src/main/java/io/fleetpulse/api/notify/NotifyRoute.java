package io.fleetpulse.api.notify;

/**
 * One destination for alerts: where to send which alerts, in which format.
 *
 * @param name names the route in logs and metrics; the URL never appears there (chat webhook URLs are secrets)
 * @param secret HMAC key of a {@link ReceiverType#WEBHOOK} route; unused by the others
 * @param token a Slack route's bot token ({@code xoxb-…}): with it the route posts through Slack's Web API to
 *     {@code channel} ({@code url} is then the API's base, {@value #SLACK_API} by default) and can edit what it
 *     posted, so a growing incident's message is updated in place; without it, {@code url} is an incoming webhook
 * @param channel the Slack channel a bot-token route posts to (its id, or {@code #name})
 */
public record NotifyRoute(String name, ReceiverType type, String url, String secret, AlertMatch match, String token, String channel) {

  /** Slack's Web API. */
  public static final String SLACK_API = "https://slack.com/api";

  /** The wire formats fleetpulse speaks. */
  public enum ReceiverType { SLACK, MATTERMOST, TEAMS, WEBHOOK, ALERTMANAGER }

  public NotifyRoute {
    if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("route name must be 1-64 characters of [A-Za-z0-9._-]: " + name);
    }
    if (token != null && type != ReceiverType.SLACK) {
      throw new IllegalArgumentException("route " + name + ": a token is for Slack routes (a bot token); " + type + " routes have none");
    }
    if (token != null && (channel == null || channel.isBlank())) {
      throw new IllegalArgumentException("route " + name + ": a Slack route with a bot token needs the channel to post to");
    }
    if (token != null && (url == null || url.isBlank())) {
      url = SLACK_API;
    }
    if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new IllegalArgumentException("route " + name + ": url must be an http(s) URL");
    }
    if (type == ReceiverType.WEBHOOK && (secret == null || secret.isEmpty())) {
      throw new IllegalArgumentException("route " + name + ": a webhook route needs a secret to sign its payloads");
    }
    match = match == null ? AlertMatch.ALL : match;
  }

  /** A route without a Slack bot token. */
  public NotifyRoute(String name, ReceiverType type, String url, String secret, AlertMatch match) {
    this(name, type, url, secret, match, null, null);
  }

  /** Whether this route posts through Slack's Web API (and can update what it posted). */
  public boolean slackBot() {
    return token != null;
  }

  /** Chat channels get incident folding; machines (webhook, Alertmanager) get every alert. */
  public boolean isChat() {
    return type == ReceiverType.SLACK || type == ReceiverType.MATTERMOST || type == ReceiverType.TEAMS;
  }

  @Override
  public String toString() {
    return "route " + name + " (" + type + ")";
  }
}
