package io.fleetpulse.api.notify;

import java.time.Duration;
import java.util.List;

/**
 * The notifiers' configuration.
 *
 * @param publicUrl where people reach fleetpulse's page, for links in messages
 * @param resendInterval how often active alerts are re-sent to Alertmanager (below its resolve_timeout)
 * @param incidentUpdateInterval how often, at most, a chat channel hears that a fleet incident took in more devices
 */
public record NotifySettings(String bootstrapServers, String publicUrl, List<NotifyRoute> routes, RetryPolicy retry,
                             Duration resendInterval, Duration incidentUpdateInterval) {

  /** The default of {@code notifications.incidentUpdateMinutes}. */
  public static final Duration INCIDENT_UPDATES = Duration.ofMinutes(15);

  public NotifySettings {
    routes = List.copyOf(routes);
    long distinct = routes.stream().map(NotifyRoute::name).distinct().count();
    if (distinct != routes.size()) {
      throw new IllegalArgumentException("notifier route names must be unique");
    }
  }
}
