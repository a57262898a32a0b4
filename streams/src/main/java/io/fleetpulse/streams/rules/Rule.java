package io.fleetpulse.streams.rules;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Severity;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One rule a user wrote (CONTRACT.md, "Rules users write"): which journal lines it matches, the event kind a match
 * becomes, and optionally when its matches fire an alert. Built only by {@link RulesFile}, which has checked every
 * part, so matching never fails.
 */
public record Rule(String name, Match match, String fleet, String event, Alerting alert) {

  /**
   * Every condition given must hold. {@code unit} as {@code journalctl -u} names it (a name without a type suffix
   * means its {@code .service}); {@code priority} this level or more urgent, as {@code journalctl -p}.
   */
  public record Match(String unit, String identifier, Integer priority, Map<String, String> fields, MessageMatch message) {}

  /** The message condition: a plain substring, or a regular expression run in linear time (RE2). */
  public sealed interface MessageMatch permits Contains, Regex {}

  public record Contains(String text) implements MessageMatch {}

  /** {@code required}: text every match contains ({@link RequiredLiteral}), looked for before the regex runs; null if none. */
  public record Regex(Pattern pattern, String required) implements MessageMatch {

    public Regex(Pattern pattern) {
      this(pattern, RequiredLiteral.of(pattern.pattern()));
    }
  }

  /** {@code count} matches within {@code within} fire; quiet for {@code resolveAfter} resolves. */
  public record Alerting(int count, Duration within, Severity severity, String check, Duration resolveAfter, String hint, String subject) {}

  /** What a matching line gives: the subject's value when the alert names a group of the regex, else null. */
  public record Hit(Rule rule, String subject) {}

  /** This rule's hit on {@code entry} of a device of {@code fleet}, if it matches. */
  public Optional<Hit> match(JournalEntry entry) {
    if (fleet != null && !fleet.equals(entry.getFleet())) {
      return Optional.empty();
    }
    if (match.unit() != null && !match.unit().equals(entry.getUnit())) {
      return Optional.empty();
    }
    if (match.identifier() != null && !match.identifier().equals(entry.getSyslogIdentifier())) {
      return Optional.empty();
    }
    if (match.priority() != null && (entry.getPriority() == null || entry.getPriority() > match.priority())) {
      return Optional.empty();
    }
    for (Map.Entry<String, String> field : match.fields().entrySet()) {
      if (!field.getValue().equals(JournalFieldValues.of(entry, field.getKey()))) {
        return Optional.empty();
      }
    }
    String message = entry.getMessage();
    if (match.message() == null) {
      return Optional.of(new Hit(this, null));
    }
    if (message == null) {
      return Optional.empty();
    }
    if (match.message() instanceof Contains contains) {
      return message.contains(contains.text()) ? Optional.of(new Hit(this, null)) : Optional.empty();
    }
    Regex regex = (Regex) match.message();
    if (regex.required() != null && !message.contains(regex.required())) {
      return Optional.empty();
    }
    Matcher matcher = regex.pattern().matcher(message);
    if (!matcher.find()) {
      return Optional.empty();
    }
    String subject = alert == null || alert.subject() == null ? null : matcher.group(alert.subject());
    return Optional.of(new Hit(this, subject));
  }

  /** Whether any condition reads a journal field that is not one of the entry's own (the topology skips those otherwise). */
  public boolean readsOtherFields() {
    return match.fields().keySet().stream().anyMatch(field -> !JournalFieldValues.isOwn(field));
  }
}
