package io.fleetpulse.streams.releases;

import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.EventKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A fleet's releases, each against the one the fleet ran before it: devices, device-days, rates per device-day,
 * failing checks, and the exact comparison of rates ({@link RateComparison}) that says whether it regressed.
 * Releases are ordered by when the fleet first ran them; devices that never reported a release are a row of their own,
 * compared with nothing.
 */
public final class ReleaseReport {

  private static final double MS_PER_DAY = 86_400_000.0;
  /** Alert kinds counted as such: the others have events of their own name, which are counted more finely. */
  private static final Set<String> ALERT_ONLY_KINDS = alertOnlyKinds();

  private ReleaseReport() {}

  /** Which count an event or alert adds to, or null when it adds to none (an alert of a kind its events count). */
  public static String countedKind(AlertKind alert) {
    return ALERT_ONLY_KINDS.contains(alert.name()) ? alert.name() : null;
  }

  /** @param tallies each release's device tallies */
  public static List<ReleaseRow> of(Map<String, List<ReleaseTally>> tallies, RegressionRule rule) {
    Map<String, Summed> summed = new HashMap<>();
    tallies.forEach((release, devices) -> summed.put(release, Summed.of(devices)));
    List<String> order = summed.keySet().stream().filter(release -> !release.equals(Releases.UNKNOWN))
        .sorted(Comparator.comparingLong((String release) -> summed.get(release).firstSeen).thenComparing(Function.identity())).toList();
    List<ReleaseRow> rows = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      rows.add(row(order.get(i), summed.get(order.get(i)), i == 0 ? null : order.get(i - 1), i == 0 ? null : summed.get(order.get(i - 1)), rule));
    }
    if (summed.containsKey(Releases.UNKNOWN)) {
      rows.add(row(Releases.UNKNOWN, summed.get(Releases.UNKNOWN), null, null, rule));
    }
    return rows;
  }

  private static ReleaseRow row(String release, Summed now, String previousRelease, Summed before, RegressionRule rule) {
    Map<String, Double> rates = new TreeMap<>();
    if (now.exposureMs > 0) {
      now.counts.forEach((kind, count) -> rates.put(kind, count / (now.exposureMs / MS_PER_DAY)));
    }
    Map<String, ReleaseRow.Comparison> versus = new TreeMap<>();
    List<String> regression = new ArrayList<>();
    if (before != null && now.exposureMs > 0 && before.exposureMs > 0) {
      Set<String> kinds = new TreeSet<>(now.counts.keySet());
      kinds.addAll(before.counts.keySet());
      for (String kind : kinds) {
        long x1 = now.counts.getOrDefault(kind, 0L);
        RateComparison comparison = RateComparison.of(x1, now.exposureMs / MS_PER_DAY, before.counts.getOrDefault(kind, 0L),
            before.exposureMs / MS_PER_DAY);
        versus.put(kind, new ReleaseRow.Comparison(Double.isFinite(comparison.ratio()) ? comparison.ratio() : null, comparison.p()));
        if (rule.regressed(now.devices, x1, comparison, kinds.size())) {
          regression.add(kind);
        }
      }
    }
    regression.sort(Comparator.comparingDouble((String kind) -> versus.get(kind).p()).thenComparing(Function.identity()));
    return new ReleaseRow(release, now.os, now.devices, now.exposureMs / MS_PER_DAY, rates, now.failing,
        before == null ? null : previousRelease, versus, regression, now.counts, now.devicesWith, now.firstSeen);
  }

  /** A release's device tallies added up. */
  private record Summed(int devices, long exposureMs, Map<String, Long> counts, Map<String, Integer> devicesWith, Map<String, Integer> failing,
                        String os, long firstSeen) {

    static Summed of(List<ReleaseTally> devices) {
      long exposure = 0;
      long firstSeen = Long.MAX_VALUE;
      Map<String, Long> counts = new TreeMap<>();
      Map<String, Integer> devicesWith = new TreeMap<>();
      Map<String, Integer> failing = new TreeMap<>();
      for (ReleaseTally device : devices) {
        exposure += device.exposureMs();
        firstSeen = Math.min(firstSeen, device.firstAt());
        device.counts().forEach((kind, count) -> {
          counts.merge(kind, count, Long::sum);
          devicesWith.merge(kind, 1, Integer::sum);
        });
        device.failing().forEach(check -> failing.merge(check, 1, Integer::sum));
      }
      // The OS most of its devices run: a release is an app build, but a fleet moves OS versions too.
      String os = devices.stream().map(ReleaseTally::os).filter(o -> o != null)
          .collect(Collectors.groupingBy(Function.identity(), Collectors.counting())).entrySet().stream()
          .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey).orElse(null);
      return new Summed(devices.size(), exposure, counts, devicesWith, failing, os, firstSeen);
    }
  }

  private static Set<String> alertOnlyKinds() {
    Set<String> events = new TreeSet<>();
    for (EventKind kind : EventKind.values()) {
      events.add(kind.name());
    }
    Set<String> alertOnly = new TreeSet<>();
    for (AlertKind kind : AlertKind.values()) {
      if (!events.contains(kind.name()) && kind != AlertKind.FLEET_INCIDENT && kind != AlertKind.RELEASE_REGRESSION
          && kind != AlertKind.OTHER) {
        alertOnly.add(kind.name());
      }
    }
    return alertOnly;
  }
}
