package io.fleetpulse.streams.rules;

import java.util.List;

/** A rules file refused as a whole, with every error found; the rules in force stay. */
public final class RulesRefusedException extends Exception {

  private final transient List<RuleError> errors;

  public RulesRefusedException(List<RuleError> errors) {
    super(errors.size() + (errors.size() == 1 ? " error" : " errors") + " in the rules file: " + errors.get(0)
        + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""));
    this.errors = List.copyOf(errors);
  }

  public List<RuleError> errors() {
    return errors;
  }
}
