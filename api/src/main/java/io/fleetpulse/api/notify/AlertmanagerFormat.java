package io.fleetpulse.api.notify;

import io.fleetpulse.api.alerts.AlertJson;
import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;

/**
 * Alertmanager's {@code POST /api/v2/alerts}: one postable alert per fleetpulse alert. Firing alerts
 * carry no {@code endsAt}, so Alertmanager keeps them for its resolve timeout; the route re-sends the
 * active ones periodically, as Alertmanager expects of its clients.
 */
final class AlertmanagerFormat {

  private final String publicUrl;

  AlertmanagerFormat(String publicUrl) {
    this.publicUrl = publicUrl;
  }

  JsonArray alerts(Collection<Alert> alerts) {
    JsonArray array = new JsonArray();
    for (Alert alert : alerts) {
      JsonObject labels = new JsonObject()
          .put("alertname", "Fleetpulse" + camel(AlertJson.kindOf(alert)))
          .put("kind", AlertJson.kindOf(alert))
          .put("severity", alert.getSeverity().name())
          .put("fleet", alert.getFleet())
          .put("alert_id", alert.getId());
      if (alert.getDeviceUuid() != null) {
        labels.put("device", alert.getDeviceUuid());
      }
      if (alert.getSubject() != null) {
        labels.put("subject", alert.getSubject());
      }
      JsonObject annotations = new JsonObject().put("summary", alert.getSummary());
      if (alert.getHint() != null) {
        annotations.put("description", alert.getHint());
      }
      if (alert.getCause() != null) {
        annotations.put("cause", alert.getCause());
      }
      JsonObject postable = new JsonObject()
          .put("labels", labels)
          .put("annotations", annotations)
          .put("startsAt", alert.getStartedAt().toString())
          .put("generatorURL", alert.getDeviceUuid() == null ? publicUrl + "/#/fleets/" + alert.getFleet()
              : publicUrl + "/#/devices/" + alert.getDeviceUuid());
      if (alert.getState() == AlertState.RESOLVED && alert.getResolvedAt() != null) {
        postable.put("endsAt", alert.getResolvedAt().toString());
      }
      array.add(postable);
    }
    return array;
  }

  /** CRASHLOOP → Crashloop, VPN_TLS_FAILURE → VpnTlsFailure. */
  private static String camel(String kind) {
    StringBuilder out = new StringBuilder();
    for (String word : kind.split("_")) {
      out.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return out.toString();
  }
}
