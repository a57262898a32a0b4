package io.fleetpulse.streams.rules;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.extract.EventExtractor;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A rule's match as a device event (and its kind, and its alerts' kind, as clients see them): of kind OTHER in the record (the schema's kinds are fleetpulse's own), its own
 * kind, rule and rules version in the details, so the events topic, the alert judging and the API all tell it apart.
 */
public final class RuleEvents {

  /** The rule's own event kind, e.g. MODEM_LOST. */
  public static final String KIND = "kind";
  public static final String RULE = "rule";
  public static final String VERSION = "ruleVersion";
  /** The value of the named group the rule's alert takes its subject from. */
  public static final String SUBJECT = "subject";

  private RuleEvents() {}

  public static DeviceEvent of(JournalEntry entry, Instant at, Rule.Hit hit, String version) {
    Rule rule = hit.rule();
    String line = EventExtractor.line(entry.getMessage() == null ? "" : entry.getMessage());
    Map<String, String> details = new HashMap<>();
    details.put(KIND, rule.event());
    details.put(RULE, rule.name());
    details.put(VERSION, version);
    details.put(EventExtractor.LINE, line);
    if (hit.subject() != null) {
      details.put(SUBJECT, hit.subject());
    }
    return DeviceEvent.newBuilder()
        .setDeviceUuid(entry.getDeviceUuid())
        .setFleet(entry.getFleet())
        .setKind(EventKind.OTHER)
        .setAt(at)
        .setUnit(entry.getUnit())
        .setSummary(rule.event() + " (rule " + rule.name() + "): " + line)
        .setDetails(details)
        .setBootId(entry.getBootId())
        .setSeqnum(entry.getSeqnum())
        .setReceivedAt(entry.getReceivedAt())
        .build();
  }

  /** The kind clients see: a rule's own (MODEM_LOST) for a rule's event, else fleetpulse's. */
  public static String kindOf(DeviceEvent event) {
    return event.getKind() == EventKind.OTHER ? event.getDetails().getOrDefault(KIND, EventKind.OTHER.name()) : event.getKind().name();
  }

  /** The kind clients see: a rule's own (MODEM_LOST) for a rule's alert, else fleetpulse's. */
  public static String kindOf(Alert alert) {
    return alert.getRule() != null ? alert.getRule().getEvent() : alert.getKind().name();
  }

  /** Whether {@code event} came from the rule named {@code rule}. */
  public static boolean from(DeviceEvent event, String rule) {
    return event.getKind() == EventKind.OTHER && rule.equals(event.getDetails().get(RULE));
  }
}
