package io.fleetpulse.api.alerts;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.streams.rules.RuleEvents;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** An alert as CONTRACT.md shows it to clients: the REST API and the generic webhook share this shape. */
public final class AlertJson {

  private AlertJson() {}

  public static JsonObject of(Alert alert) {
    return new JsonObject()
        .put("id", alert.getId())
        .put("device", alert.getDeviceUuid())
        .put("fleet", alert.getFleet())
        .put("kind", kindOf(alert))
        .put("severity", alert.getSeverity().name())
        .put("state", alert.getState().name().toLowerCase(java.util.Locale.ROOT))
        .put("subject", alert.getSubject())
        .put("cause", alert.getCause())
        .put("summary", alert.getSummary())
        .put("hint", alert.getHint())
        .put("startedAt", alert.getStartedAt().toString())
        .put("resolvedAt", alert.getResolvedAt() == null ? null : alert.getResolvedAt().toString())
        .put("evidence", new JsonArray(alert.getEvidence()))
        // The device's journal around the alert's first evidence line (a fleet incident has none of its own).
        .put("journal", alert.getDeviceUuid() == null ? null
            : "/api/v1/devices/" + alert.getDeviceUuid() + "/journal?alert=" + URLEncoder.encode(alert.getId(), StandardCharsets.UTF_8))
        .put("rule", alert.getRule() == null ? null
            : new JsonObject().put("name", alert.getRule().getName()).put("version", alert.getRule().getVersion()));
  }

  /** The kind clients see: a user rule's own (MODEM_LOST), else fleetpulse's. */
  public static String kindOf(Alert alert) {
    return RuleEvents.kindOf(alert);
  }
}
