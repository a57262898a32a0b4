package io.fleetpulse.streams.detect;

import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.RuleRef;
import io.fleetpulse.schemas.Severity;
import java.time.Instant;
import java.util.List;

/**
 * A condition a detector sees holding on a device right now. The alert lifecycle turns a finding that
 * appears into a FIRING alert and one that disappears into its RESOLVED transition. A user-written rule's
 * finding is of kind OTHER and names its rule, whose own kind tells its episodes apart from other rules'.
 */
public record Finding(AlertKind kind, String subject, Severity severity, String cause, String summary, String hint,
    List<String> evidence, Instant since, RuleRef rule) {

  /** At most this many log lines travel with an alert. */
  public static final int MAX_EVIDENCE = 10;
  /** Longest evidence line kept. */
  public static final int MAX_LINE = 300;

  public Finding {
    evidence = evidence.stream().limit(MAX_EVIDENCE)
        .map(line -> line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line).toList();
  }

  /** A built-in detector's finding. */
  public Finding(AlertKind kind, String subject, Severity severity, String cause, String summary, String hint, List<String> evidence,
                 Instant since) {
    this(kind, subject, severity, cause, summary, hint, evidence, since, null);
  }

  /** Identifies the episode this finding belongs to: one alert per (device, kind, subject), a rule's kind its own. */
  public String key() {
    return (rule == null ? kind.name() : rule.getEvent()) + "/" + (subject == null ? "" : subject);
  }
}
