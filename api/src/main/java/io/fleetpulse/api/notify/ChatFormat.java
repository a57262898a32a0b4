package io.fleetpulse.api.notify;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertState;
import io.vertx.core.json.JsonObject;

/** How one chat service wants an alert; each format shares the words and differs only in layout. */
interface ChatFormat {

  JsonObject message(Alert alert, ChatText text);

  /** The words of a chat message, the same in every chat service. */
  record ChatText(String title, String body, String fallback, String link) {

    static ChatText of(Alert alert, int folded, String publicUrl) {
      boolean resolved = alert.getState() == AlertState.RESOLVED;
      String where = alert.getDeviceUuid() == null ? "fleet " + alert.getFleet() : "device " + alert.getDeviceUuid().substring(0, 7)
          + " (fleet " + alert.getFleet() + ")";
      String title = (resolved ? "Resolved: " : severityMark(alert) + " ") + alert.getKind().name()
          + (alert.getSubject() == null ? "" : " " + alert.getSubject()) + " on " + where;
      StringBuilder body = new StringBuilder(alert.getSummary());
      if (alert.getCause() != null) {
        body.append("\nCause: ").append(alert.getCause());
      }
      if (!resolved && alert.getHint() != null) {
        body.append("\nWhat to do: ").append(alert.getHint());
      }
      if (folded > 0) {
        body.append("\n").append(folded).append(" device alert").append(folded == 1 ? " was" : "s were")
            .append(" folded into this incident.");
      }
      String link = alert.getDeviceUuid() == null
          ? publicUrl + "/#/fleets/" + alert.getFleet()
          : publicUrl + "/#/devices/" + alert.getDeviceUuid();
      return new ChatText(title, body.toString(), title + ": " + alert.getSummary(), link);
    }

    private static String severityMark(Alert alert) {
      return switch (alert.getSeverity()) {
        case critical -> "[CRITICAL]";
        case warning -> "[WARNING]";
        default -> "[INFO]";
      };
    }
  }
}
