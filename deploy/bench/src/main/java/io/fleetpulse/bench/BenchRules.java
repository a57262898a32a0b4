package io.fleetpulse.bench;

import io.fleetpulse.streams.rules.RuleSet;
import io.fleetpulse.streams.rules.RulesFile;
import io.fleetpulse.streams.rules.RulesRefusedException;
import java.util.List;
import java.util.Locale;

/**
 * A fleet's own rules for {@code bench pipeline --rules N}: the failure lines of their apps, sensors, modems and vendor
 * daemons, half plain text, half regular expressions with a group, a quarter tied to a unit or identifier, one in
 * ten alerting. Like real ones, they match few of the lines a fleet logs.
 */
final class BenchRules {

  private static final List<String> TEXTS = List.of("modem %d lost carrier", "sensor-%d: read timeout", "can%d: bus-off state",
      "gpio%d: debounce failure", "uart%d: receive overrun", "app[%d]: fatal error, restarting", "watchdog: worker %d stalled",
      "mqtt client %d disconnected");
  private static final List<String> REGEXES = List.of("i2c-%d: transfer timed out on bus (?P<bus>[0-9]+)",
      "sensor-%d: value (?P<value>-?[0-9]+) out of range", "worker-%d exited with code (?P<code>[0-9]+)",
      "ERROR \\\\[module-%d\\\\] (?P<what>[a-z]+) failed", "lte%d: rsrp (?P<rsrp>-[0-9]+) dBm below limit",
      "camera%d: frame drop rate [0-9]+ percent");

  private BenchRules() {}

  static RuleSet of(int count) {
    StringBuilder yaml = new StringBuilder("rules:\n");
    for (int i = 0; i < count; i++) {
      boolean regex = i % 2 == 1;
      String text = String.format(Locale.ROOT, regex ? REGEXES.get(i / 2 % REGEXES.size()) : TEXTS.get(i / 2 % TEXTS.size()), i);
      yaml.append("  - name: rule_").append(i).append('\n').append("    match:\n");
      if (i % 4 == 0) {
        yaml.append("      unit: app").append(i).append(".service\n");
      } else if (i % 4 == 3) {
        yaml.append("      identifier: vendord").append(i).append('\n');
      }
      yaml.append("      message: {").append(regex ? "regex" : "contains").append(": \"").append(text).append("\"}\n");
      yaml.append("    event: RULE_").append(i).append('\n');
      if (i % 10 == 0) {
        yaml.append("    alert: {count: 3, within: 5m}\n");
      }
    }
    try {
      return RulesFile.parse(yaml.toString());
    } catch (RulesRefusedException e) {
      throw new IllegalStateException("the bench's own rules are refused: " + e.errors(), e);
    }
  }
}
