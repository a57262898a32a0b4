package io.fleetpulse.streams.rules;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.detect.Finding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;

/**
 * A rules file replayed over journal entries apart from the live pipeline ({@code ./fleetpulse rules backtest}): per
 * rule, the lines it matches, on how many devices, the alerts it would have raised and when (judged by the same
 * {@link RuleDetector} as the topology, at each match, over the device's matches of the last
 * {@link RulesFile#MAX_WINDOW}), and a few sample lines. Entries may come in any order: each device's matches are
 * judged in time order at {@link #report()}. A line's time is its device's clock, else when it was received.
 */
public final class RulesBacktest {

  private static final int SAMPLES = 3;

  /** One alert the rule would have raised. */
  public record WouldAlert(String device, String subject, Instant at) {}

  /** What one rule would have done. */
  public record RuleReport(String name, String event, long matches, int devices, List<WouldAlert> alerts, List<String> samples) {}

  private final RuleSet rules;
  private final RuleDetector detector = new RuleDetector();
  /** Per rule, per device, its matches as events. */
  private final Map<String, Map<String, List<DeviceEvent>>> matches = new LinkedHashMap<>();
  private final Map<String, List<String>> samples = new HashMap<>();
  private long entries;

  public RulesBacktest(RuleSet rules) {
    this.rules = rules;
    for (Rule rule : rules.rules()) {
      matches.put(rule.name(), new HashMap<>());
      samples.put(rule.name(), new ArrayList<>());
    }
  }

  public void accept(JournalEntry entry) {
    entries++;
    for (Rule.Hit hit : rules.match(entry)) {
      Instant at = entry.getRealtimeUs() != null ? Instant.ofEpochMilli(entry.getRealtimeUs() / 1_000) : entry.getReceivedAt();
      matches.get(hit.rule().name()).computeIfAbsent(entry.getDeviceUuid(), device -> new ArrayList<>())
          .add(RuleEvents.of(entry, at, hit, rules.version()));
      List<String> kept = samples.get(hit.rule().name());
      if (kept.size() < SAMPLES) {
        kept.add(entry.getMessage());
      }
    }
  }

  /** How many entries were replayed. */
  public long entries() {
    return entries;
  }

  public List<RuleReport> report() {
    List<RuleReport> reports = new ArrayList<>();
    for (Rule rule : rules.rules()) {
      Map<String, List<DeviceEvent>> byDevice = matches.get(rule.name());
      List<WouldAlert> alerts = new ArrayList<>();
      if (rule.alert() != null) {
        RuleSet alone = new RuleSet(rules.version(), List.of(rule));
        byDevice.forEach((device, events) -> alerts.addAll(alertsOf(alone, device, events)));
        alerts.sort(Comparator.comparing(WouldAlert::at).thenComparing(WouldAlert::device));
      }
      long count = byDevice.values().stream().mapToLong(List::size).sum();
      reports.add(new RuleReport(rule.name(), rule.event(), count, byDevice.size(), alerts, List.copyOf(samples.get(rule.name()))));
    }
    return reports;
  }

  /**
   * The device's matches judged one after the other, as the topology judges each event; a new episode is an alert. A
   * match that continues a firing episode (within the quiet period of the previous one of its subject) changes
   * nothing and is not judged again: a noisy rule costs a pass, not a judgement over its window per line.
   */
  private List<WouldAlert> alertsOf(RuleSet alone, String device, List<DeviceEvent> events) {
    Duration quiet = alone.rules().get(0).alert().resolveAfter();
    events.sort(Comparator.comparing(DeviceEvent::getAt));
    List<WouldAlert> alerts = new ArrayList<>();
    Map<String, Instant> firingSince = new HashMap<>();
    Map<String, Instant> previous = new HashMap<>();
    Deque<DeviceEvent> window = new ArrayDeque<>();
    for (DeviceEvent event : events) {
      window.addLast(event);
      while (Duration.between(window.peekFirst().getAt(), event.getAt()).compareTo(RulesFile.MAX_WINDOW) > 0) {
        window.removeFirst();
      }
      String subject = String.valueOf(event.getDetails().get(RuleEvents.SUBJECT));
      Instant before = previous.put(subject, event.getAt());
      String key = alone.rules().get(0).event() + "/" + (event.getDetails().get(RuleEvents.SUBJECT) == null ? "" : subject);
      if (firingSince.containsKey(key) && before != null && Duration.between(before, event.getAt()).compareTo(quiet) < 0) {
        continue;
      }
      Set<String> seen = new HashSet<>();
      for (Finding finding : detector.evaluate(alone, List.copyOf(window), event.getAt())) {
        seen.add(finding.key());
        if (!finding.since().equals(firingSince.get(finding.key()))) {
          firingSince.put(finding.key(), finding.since());
          alerts.add(new WouldAlert(device, finding.subject(), finding.since()));
        }
      }
      firingSince.keySet().retainAll(seen);
    }
    return alerts;
  }
}
