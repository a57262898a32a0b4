package io.fleetpulse.api.notify;

import io.fleetpulse.api.alerts.AlertJson;
import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertState;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** How one chat service wants an alert; each format shares the words and differs only in layout. */
interface ChatFormat {

  JsonObject message(Alert alert, ChatText text);

  /** The format of a chat route; empty for routes that are not chat (webhook, Alertmanager). */
  static Optional<ChatFormat> forRoute(NotifyRoute.ReceiverType type) {
    return switch (type) {
      case SLACK -> Optional.of(new SlackFormat());
      case MATTERMOST -> Optional.of(new MattermostFormat());
      case TEAMS -> Optional.of(new TeamsFormat());
      default -> Optional.empty();
    };
  }

  /** The words of a chat message, the same in every chat service. */
  record ChatText(String title, String body, String fallback, String link) {

    /** Evidence lines a message quotes: enough to recognise the problem, the rest is on the device page. */
    static final int EVIDENCE_LINES = 3;
    private static final int EVIDENCE_LINE_CHARS = 200;

    /** The same message with one more line. */
    ChatText withNote(String note) {
      return new ChatText(title, body + "\n" + note, fallback, link);
    }

    /** The message of {@code alert}; {@code folded}: for a resolved incident, what was folded into it. */
    static ChatText of(Alert alert, IncidentFolding.Folded folded, String publicUrl) {
      boolean resolved = alert.getState() == AlertState.RESOLVED;
      String where = alert.getDeviceUuid() == null ? "fleet " + alert.getFleet() : "device " + alert.getDeviceUuid().substring(0, 7)
          + " (fleet " + alert.getFleet() + ")";
      String title = (resolved ? "Resolved: " : severityMark(alert) + " ") + AlertJson.kindOf(alert)
          + (alert.getSubject() == null ? "" : " " + alert.getSubject()) + " on " + where;
      StringBuilder body = new StringBuilder(alert.getSummary());
      if (alert.getCause() != null) {
        body.append("\nCause: ").append(causeInWords(alert.getCause()));
      }
      if (!resolved && alert.getHint() != null) {
        body.append("\nWhat to do: ").append(alert.getHint());
      }
      if (!resolved && !alert.getEvidence().isEmpty()) {
        body.append("\nEvidence:");
        alert.getEvidence().stream().limit(EVIDENCE_LINES).forEach(line -> body.append("\n> ").append(shorten(line)));
      }
      if (resolved && folded.alerts() > 0) {
        body.append("\n").append(folded.alerts()).append(" device alert").append(folded.alerts() == 1 ? " was" : "s were")
            .append(" folded into this incident: ").append(devices(folded.devices())).append(".");
      }
      return new ChatText(title, body.toString(), title + ": " + alert.getSummary(), link(alert, publicUrl));
    }

    /**
     * The one follow-up of device alerts posted before {@code incident} fired: from now on the incident
     * reports them, their resolution included, so those messages will get no "Resolved" of their own.
     */
    static ChatText absorbed(Alert incident, IncidentFolding.Folded before, String publicUrl) {
      String title = "Now part of FLEET_INCIDENT " + incident.getSubject() + " on fleet " + incident.getFleet();
      boolean one = before.alerts() == 1;
      String body = "The " + before.alerts() + " " + incident.getSubject() + " alert" + (one ? "" : "s") + " posted before for "
          + devices(before.devices()) + (one ? " is" : " are") + " now followed in this incident; "
          + (one ? "its" : "their") + " resolution comes with the incident's.";
      return new ChatText(title, body, title + ": " + body, link(incident, publicUrl));
    }

    /**
     * The update of an incident that took in more devices since its channel last heard of it: the first message
     * said "5 of 5 devices", and transitions alone would never say more.
     */
    static ChatText grown(IncidentFolding.Growth growth, String publicUrl) {
      Alert incident = growth.incident();
      boolean one = growth.newDevices().size() == 1;
      String title = "FLEET_INCIDENT " + incident.getSubject() + " on fleet " + incident.getFleet() + ": "
          + growth.newDevices().size() + " more " + (one ? "device" : "devices");
      String body = capitalized(devices(growth.newDevices())) + " joined" + " since the last message; the alerts of "
          + growth.devices().size() + " devices are now followed in this incident, their resolution comes with the incident's.";
      return new ChatText(title, body, title + ": " + body, link(incident, publicUrl));
    }

    /** The line an incident's own message gets when it is edited in place as it grows (a Slack bot route). */
    static String grownLine(IncidentFolding.Growth growth) {
      boolean one = growth.newDevices().size() == 1;
      return "Updated: " + growth.newDevices().size() + " more " + (one ? "device" : "devices") + " joined (" + devices(growth.newDevices())
          + "); the alerts of " + growth.devices().size() + " devices are followed in this incident.";
    }

    private static String capitalized(String words) {
      return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** The resolution's line about the alerts a root alert took with it ({@link RootCauseFolding}). */
    static String consequences(RootCauseFolding.Consequences consequences) {
      StringBuilder note = new StringBuilder();
      if (!consequences.resolved().isEmpty()) {
        note.append("Part of this problem and resolved with it: ").append(String.join(", ", consequences.resolved())).append(".");
      }
      if (!consequences.stillFailing().isEmpty()) {
        note.append(note.length() > 0 ? "\n" : "").append("Still failing, followed on its own from now on: ")
            .append(String.join(", ", consequences.stillFailing())).append(".");
      }
      return note.toString();
    }

    /** People read chat: "the clock is wrong (CLOCK_SKEW)", never a bare enum name. */
    static String causeInWords(String cause) {
      String words = switch (cause) {
        case "CLOCK_SKEW" -> "the clock is wrong";
        case "TLS_INTERCEPTION" -> "a proxy intercepts TLS";
        case "DNS" -> "name resolution fails";
        case "UNKNOWN" -> "not visible in the journal (not the clock, not TLS interception)";
        default -> cause.toLowerCase(Locale.ROOT).replace('_', ' ');
      };
      return words + " (" + cause + ")";
    }

    /** A journal line as evidence: long lines (a container's JSON) cut, so three of them stay readable. */
    private static String shorten(String line) {
      return line.length() <= EVIDENCE_LINE_CHARS ? line : line.substring(0, EVIDENCE_LINE_CHARS - 1) + "…";
    }

    private static String devices(List<String> uuids) {
      List<String> named = uuids.stream().limit(IncidentFolding.NAMED_DEVICES).map(uuid -> uuid.substring(0, Math.min(7, uuid.length())))
          .toList();
      String more = uuids.size() > named.size() ? " and " + (uuids.size() - named.size()) + " more" : "";
      return (uuids.size() == 1 ? "device " : "devices ") + String.join(", ", named) + more;
    }

    private static String link(Alert alert, String publicUrl) {
      return alert.getDeviceUuid() == null
          ? publicUrl + "/#/fleets/" + alert.getFleet()
          : publicUrl + "/#/devices/" + alert.getDeviceUuid();
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
