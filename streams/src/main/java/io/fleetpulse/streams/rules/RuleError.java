package io.fleetpulse.streams.rules;

/** One reason a rules file is refused: the rule (by name or place) and the field, and what is wrong. */
public record RuleError(String rule, String field, String reason) {

  @Override
  public String toString() {
    return (rule == null ? "rules file" : "rule " + rule) + (field == null ? "" : ", " + field) + ": " + reason;
  }
}
