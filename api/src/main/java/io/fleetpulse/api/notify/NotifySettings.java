package io.fleetpulse.api.notify;

import java.time.Duration;
import java.util.List;

/**
 * The notifiers' configuration.
 *
 * @param publicUrl where people reach fleetpulse's page, for links in messages
 * @param resendInterval how often active alerts are re-sent to Alertmanager (below its resolve_timeout)
 */
public record NotifySettings(String bootstrapServers, String publicUrl, List<NotifyRoute> routes, RetryPolicy retry,
                             Duration resendInterval) {

  public NotifySettings {
    routes = List.copyOf(routes);
    long distinct = routes.stream().map(NotifyRoute::name).distinct().count();
    if (distinct != routes.size()) {
      throw new IllegalArgumentException("notifier route names must be unique");
    }
  }
}
