package io.fleetpulse.streams.releases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A fleet's releases judged against each other, on tallies whose figures are worked out by hand. */
class ReleaseReportTest {

  private static final long DAY = 86_400_000L;

  @Test
  void ratesRatiosAndTheExactTestAreThoseComputedByHand() {
    Map<String, List<ReleaseTally>> tallies = new HashMap<>();
    // 9d81e07: 20 devices, 2 days each (40 device-days), 2 crash loops in all.
    tallies.put("9d81e07", devices(20, 0, 2 * DAY, Map.of("CRASHLOOP", 1L), 2, "balenaOS 2.115.1"));
    // 3f2a1c0, first seen a day later: 20 devices, 2 days each, 18 crash loops on 9 of them; 3 devices fail check_container_engine.
    List<ReleaseTally> newer = devices(20, DAY, 2 * DAY, Map.of("CRASHLOOP", 2L), 9, "balenaOS 2.115.1");
    for (int i = 0; i < 3; i++) {
      ReleaseTally t = newer.get(i);
      newer.set(i, new ReleaseTally(t.firstAt(), t.lastAt(), t.exposureMs(), t.counts(), Set.of("check_container_engine"), t.os()));
    }
    tallies.put("3f2a1c0", newer);
    tallies.put(Releases.UNKNOWN, devices(2, 0, DAY, Map.of("UNIT_RESTART", 1L), 2, null));

    List<ReleaseRow> rows = ReleaseReport.of(tallies, RegressionRule.DEFAULT);

    assertThat(rows).extracting(ReleaseRow::release).containsExactly("9d81e07", "3f2a1c0", Releases.UNKNOWN);
    ReleaseRow first = rows.get(0);
    assertThat(first.previous()).isNull();
    assertThat(first.vsPrevious()).isEmpty();
    assertThat(first.rates().get("CRASHLOOP")).isCloseTo(2.0 / 40, within(1e-12));
    ReleaseRow regressed = rows.get(1);
    assertThat(regressed.devices()).isEqualTo(20);
    assertThat(regressed.deviceDays()).isCloseTo(40.0, within(1e-12));
    assertThat(regressed.rates().get("CRASHLOOP")).isCloseTo(18.0 / 40, within(1e-12));
    assertThat(regressed.previous()).isEqualTo("9d81e07");
    // 18 against 2 over equal exposure: ratio 9, p = P(X >= 18 | n = 20, 1/2) = 211 / 2^20.
    assertThat(regressed.vsPrevious().get("CRASHLOOP").ratio()).isCloseTo(9.0, within(1e-12));
    assertThat(regressed.vsPrevious().get("CRASHLOOP").p()).isCloseTo(211.0 / 1_048_576, within(1e-12));
    assertThat(regressed.regression()).containsExactly("CRASHLOOP");
    assertThat(regressed.devicesWith()).containsEntry("CRASHLOOP", 9);
    assertThat(regressed.failing()).containsExactly(Map.entry("check_container_engine", 3));
    assertThat(regressed.os()).isEqualTo("balenaOS 2.115.1");
    assertThat(RegressionAlert.summary(regressed))
        .isEqualTo("release 3f2a1c0: crash loops on 9 of 20 devices, 0.45 per device-day against 0.05 on 9d81e07 (p < 0.001)");
    ReleaseRow unknown = rows.get(2);
    assertThat(unknown.previous()).isNull();
    assertThat(unknown.regression()).isEmpty();
  }

  @Test
  void aFleetWithOneReleaseHasNoComparisonAndFewDevicesNeverRegress() {
    assertThat(ReleaseReport.of(Map.of("9d81e07", devices(30, 0, DAY, Map.of("CRASHLOOP", 3L), 30, null)), RegressionRule.DEFAULT))
        .singleElement().satisfies(row -> {
          assertThat(row.previous()).isNull();
          assertThat(row.regression()).isEmpty();
        });
    Map<String, List<ReleaseTally>> fewDevices = new HashMap<>();
    fewDevices.put("9d81e07", devices(20, 0, DAY, Map.of("CRASHLOOP", 1L), 1, null));
    fewDevices.put("3f2a1c0", devices(4, DAY, DAY, Map.of("CRASHLOOP", 10L), 4, null));
    ReleaseRow four = ReleaseReport.of(fewDevices, RegressionRule.DEFAULT).get(1);
    assertThat(four.vsPrevious().get("CRASHLOOP").p()).isLessThan(0.001);
    assertThat(four.regression()).as("4 devices are fewer than the 5 it takes").isEmpty();
  }

  /**
   * Two equal releases, 100 seeded fleets, re-judged after every day of a week as data comes: at most 1 false
   * RELEASE_REGRESSION across them all (issue 28; the measured figure is in docs/benchmarks.md).
   */
  @Test
  void equalReleasesRaiseAtMostOneFalseAlarmInAHundredFleets() {
    // Sorted: the same draws go to the same kinds in every run (Map.of iterates in a per-JVM order).
    Map<String, Double> ratesPerDay = new TreeMap<>(Map.of("UNIT_RESTART", 0.8, "DEVICE_REBOOT", 0.2, "DEVICE_REBOOT:power-loss", 0.05,
        "CRASHLOOP", 0.1, "DNS_FAILURE", 1.5, "OOM_KILL", 0.03, "TIME_JUMP", 0.3));
    assertThat(fleetsAlarmed(0, 100, ratesPerDay, Map.of())).isLessThanOrEqualTo(1);
    // The same over 1,000 more fleets, for the rate rather than one draw: 2 (0.2 %) when this was written.
    assertThat(fleetsAlarmed(100, 1_100, ratesPerDay, Map.of())).isLessThanOrEqualTo(10);
  }

  @Test
  void aReleaseThatDoublesOneKindIsFoundWithinAWeekInMostFleets() {
    Map<String, Double> ratesPerDay = new TreeMap<>(Map.of("UNIT_RESTART", 0.8, "DNS_FAILURE", 1.5, "TIME_JUMP", 0.3));
    // Twice the restarts on the new release: found within a week in 75 of 100 fleets of 20 + 20 devices when this was
    // written (a true ratio of 2 is often observed below the ratio of 2 the alert asks for); thrice: in all of them.
    assertThat(fleetsAlarmed(0, 100, ratesPerDay, Map.of("UNIT_RESTART", 2.0))).isGreaterThanOrEqualTo(70);
    assertThat(fleetsAlarmed(0, 100, ratesPerDay, Map.of("UNIT_RESTART", 3.0))).isGreaterThanOrEqualTo(98);
  }

  private static int fleetsAlarmed(int fromSeed, int toSeed, Map<String, Double> ratesPerDay, Map<String, Double> newerFactors) {
    int alarmed = 0;
    for (int seed = fromSeed; seed < toSeed; seed++) {
      alarmed += TwoReleases.simulate(new Random(seed), 20, 7, ratesPerDay, newerFactors) ? 1 : 0;
    }
    return alarmed;
  }

  /** {@code count} devices on one release from {@code firstAt} for {@code exposure}; the first {@code with} had {@code counts} each. */
  static List<ReleaseTally> devices(int count, long firstAt, long exposure, Map<String, Long> counts, int with, String os) {
    List<ReleaseTally> devices = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      devices.add(new ReleaseTally(firstAt, firstAt + exposure, exposure, i < with ? new TreeMap<>(counts) : new TreeMap<>(), Set.of(), os));
    }
    return devices;
  }

  /** Two releases with the same rates (but for {@code newerFactors}), each on {@code devices} devices for {@code days} days, judged daily. */
  static final class TwoReleases {

    /** @param newerFactors how many times a kind's rate the newer release has (1 when absent) */
    static boolean simulate(Random random, int devices, int days, Map<String, Double> ratesPerDay, Map<String, Double> newerFactors) {
      List<Map<String, Long>> older = counters(devices);
      List<Map<String, Long>> newer = counters(devices);
      for (int day = 1; day <= days; day++) {
        for (List<Map<String, Long>> release : List.of(older, newer)) {
          for (Map<String, Long> device : release) {
            ratesPerDay.forEach((kind, rate) -> device.merge(kind,
                (long) poisson(random, rate * (release == newer ? newerFactors.getOrDefault(kind, 1.0) : 1.0)), Long::sum));
          }
        }
        Map<String, List<ReleaseTally>> tallies = new HashMap<>();
        tallies.put("older", tallies(older, 0, day * DAY));
        tallies.put("newer", tallies(newer, 1, day * DAY));
        for (ReleaseRow row : ReleaseReport.of(tallies, RegressionRule.DEFAULT)) {
          if (!row.regression().isEmpty()) {
            return true;
          }
        }
      }
      return false;
    }

    private static List<Map<String, Long>> counters(int devices) {
      List<Map<String, Long>> counters = new ArrayList<>();
      for (int i = 0; i < devices; i++) {
        counters.add(new TreeMap<>());
      }
      return counters;
    }

    private static List<ReleaseTally> tallies(List<Map<String, Long>> counters, long firstAt, long exposure) {
      return counters.stream().map(c -> new ReleaseTally(firstAt, firstAt + exposure, exposure, new TreeMap<>(c), Set.of(), null)).toList();
    }

    private static int poisson(Random random, double mean) {
      double limit = Math.exp(-mean);
      double product = random.nextDouble();
      int count = 0;
      while (product > limit) {
        product *= random.nextDouble();
        count++;
      }
      return count;
    }
  }
}
