package io.fleetpulse.streams.rules;

import java.util.Objects;

/**
 * The rules this instance applies now, shared by the processors that match lines and judge alerts. A new version
 * replaces the whole set at once; a record is matched against one version or the next, never a mix.
 */
public final class RulesInForce {

  private volatile RuleSet current;
  /** Asked for every journal record: kept, not computed over the rules each time. */
  private volatile boolean readsOtherFields;

  public RulesInForce(RuleSet initial) {
    replace(initial);
  }

  public static RulesInForce none() {
    return new RulesInForce(RuleSet.NONE);
  }

  public RuleSet current() {
    return current;
  }

  public void replace(RuleSet next) {
    readsOtherFields = next.readsOtherFields();
    current = Objects.requireNonNull(next);
  }

  /** Whether a rule in force compares a journal field the topology does not otherwise decode. */
  public boolean readsOtherFields() {
    return readsOtherFields;
  }
}
