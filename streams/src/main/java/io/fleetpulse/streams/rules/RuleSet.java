package io.fleetpulse.streams.rules;

import io.fleetpulse.schemas.JournalEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules in force, as one version: the first 12 hex digits of the file's SHA-256, so every instance that read
 * the same file names the same version.
 */
public record RuleSet(String version, List<Rule> rules) {

  public static final RuleSet NONE = new RuleSet("none", List.of());

  public RuleSet {
    rules = List.copyOf(rules);
  }

  /** Every rule's hit on the entry, in the file's order. */
  public List<Rule.Hit> match(JournalEntry entry) {
    List<Rule.Hit> hits = List.of();
    for (Rule rule : rules) {
      Optional<Rule.Hit> hit = rule.match(entry);
      if (hit.isPresent()) {
        if (hits.isEmpty()) {
          hits = new ArrayList<>(1);
        }
        hits.add(hit.get());
      }
    }
    return hits;
  }

  public Optional<Rule> rule(String name) {
    return rules.stream().filter(rule -> rule.name().equals(name)).findFirst();
  }

  /** Whether some rule reads journal fields beyond the entry's own properties. */
  public boolean readsOtherFields() {
    return rules.stream().anyMatch(Rule::readsOtherFields);
  }
}
