package io.fleetpulse.api.notify;

/**
 * One destination for alerts: where to send which alerts, in which format.
 *
 * @param name names the route in logs and metrics; the URL never appears there (chat webhook URLs are secrets)
 * @param secret HMAC key of a {@link ReceiverType#WEBHOOK} route; unused by the others
 */
public record NotifyRoute(String name, ReceiverType type, String url, String secret, AlertMatch match) {

  /** The wire formats fleetpulse speaks. */
  public enum ReceiverType { SLACK, MATTERMOST, TEAMS, WEBHOOK, ALERTMANAGER }

  public NotifyRoute {
    if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("route name must be 1-64 characters of [A-Za-z0-9._-]: " + name);
    }
    if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new IllegalArgumentException("route " + name + ": url must be an http(s) URL");
    }
    if (type == ReceiverType.WEBHOOK && (secret == null || secret.isEmpty())) {
      throw new IllegalArgumentException("route " + name + ": a webhook route needs a secret to sign its payloads");
    }
    match = match == null ? AlertMatch.ALL : match;
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
