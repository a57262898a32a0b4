package io.fleetpulse.streams.releases;

import java.util.List;
import java.util.Map;

/**
 * One release of a fleet as {@code GET /api/v1/fleets/{fleet}/releases} shows it (CONTRACT.md "Releases and
 * reboots"), plus the counts behind its rates ({@code events}, {@code devicesWith}) and when it was first seen.
 *
 * @param rates events (or alerts, for kinds that are only alerts) per device-day, by kind
 * @param failing devices whose latest health fails (or warns on) each check
 * @param previous the release the fleet ran before this one (by first sighting), null for the first and for unknown
 * @param vsPrevious by kind: the rate ratio (null when the previous release had none) and the one-sided p-value
 * @param regression the kinds for which this release is significantly worse than the previous ({@link RegressionRule}), most significant first
 */
public record ReleaseRow(String release, String os, int devices, double deviceDays, Map<String, Double> rates, Map<String, Integer> failing,
                         String previous, Map<String, Comparison> vsPrevious, List<String> regression, Map<String, Long> events,
                         Map<String, Integer> devicesWith, long firstSeen) {

  /** @param ratio null when the previous release had none of the kind (the ratio is infinite) */
  public record Comparison(Double ratio, double p) {}
}
