package io.fleetpulse.streams.rules;

import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.RuleRef;
import io.fleetpulse.streams.detect.Finding;
import io.fleetpulse.streams.extract.EventExtractor;
import io.fleetpulse.streams.time.SpokenDuration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alerts of the rules in force over a device's recent events. A rule's episode is its matches with no gap of
 * {@code resolveAfter} between them; it fires once {@code count} of them fall within {@code within}, from the match
 * that made the count, and resolves when the newest match is {@code resolveAfter} old. One alert per subject (the
 * regex group the rule names), like the built-in detectors.
 */
public final class RuleDetector {

  public List<Finding> evaluate(RuleSet rules, List<DeviceEvent> recent, Instant now) {
    List<Finding> findings = List.of();
    for (Rule rule : rules.rules()) {
      if (rule.alert() == null) {
        continue;
      }
      Map<String, List<DeviceEvent>> bySubject = new LinkedHashMap<>();
      for (DeviceEvent event : recent) {
        if (RuleEvents.from(event, rule.name()) && !event.getAt().isAfter(now)) {
          bySubject.computeIfAbsent(event.getDetails().get(RuleEvents.SUBJECT), subject -> new ArrayList<>()).add(event);
        }
      }
      for (Map.Entry<String, List<DeviceEvent>> matches : bySubject.entrySet()) {
        Finding finding = judge(rule, rules.version(), matches.getKey(), matches.getValue(), now);
        if (finding != null) {
          if (findings.isEmpty()) {
            findings = new ArrayList<>(1);
          }
          findings.add(finding);
        }
      }
    }
    return findings;
  }

  /** The finding of one rule and subject, or null; {@code matches} in event-time order. */
  private static Finding judge(Rule rule, String version, String subject, List<DeviceEvent> matches, Instant now) {
    Rule.Alerting alert = rule.alert();
    DeviceEvent newest = matches.get(matches.size() - 1);
    if (Duration.between(newest.getAt(), now).compareTo(alert.resolveAfter()) >= 0) {
      return null;
    }
    int episodeStart = 0;
    for (int i = 1; i < matches.size(); i++) {
      if (Duration.between(matches.get(i - 1).getAt(), matches.get(i).getAt()).compareTo(alert.resolveAfter()) >= 0) {
        episodeStart = i;
      }
    }
    for (int last = episodeStart + alert.count() - 1; last < matches.size(); last++) {
      Instant first = matches.get(last - alert.count() + 1).getAt();
      Instant at = matches.get(last).getAt();
      if (Duration.between(first, at).compareTo(alert.within()) <= 0) {
        List<DeviceEvent> episode = matches.subList(episodeStart, matches.size());
        return new Finding(AlertKind.OTHER, subject, alert.severity(), null, summary(rule, subject, episode), alert.hint(),
            evidence(episode), at, new RuleRef(rule.name(), version, rule.event(), alert.check()));
      }
    }
    return null;
  }

  private static String summary(Rule rule, String subject, List<DeviceEvent> episode) {
    Rule.Alerting alert = rule.alert();
    return rule.event() + (subject == null ? "" : " on " + subject) + ": " + episode.size()
        + (episode.size() == 1 ? " line matched" : " lines matched") + " rule " + rule.name()
        + (alert.count() > 1 ? " (" + alert.count() + " within " + SpokenDuration.of(alert.within()) + " fire it)" : "");
  }

  /** The newest lines last, at most as many as an alert carries. */
  private static List<String> evidence(List<DeviceEvent> episode) {
    List<DeviceEvent> newest = episode.subList(Math.max(0, episode.size() - Finding.MAX_EVIDENCE), episode.size());
    return newest.stream().map(event -> event.getDetails().getOrDefault(EventExtractor.LINE, event.getSummary())).toList();
  }
}
