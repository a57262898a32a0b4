package io.fleetpulse.simulator;

import java.time.Duration;
import java.util.Set;

/**
 * A simulated fleet: how many devices in how many fleets, what its healthy devices log (a {@link Profile}; with
 * {@code STEADY}, {@code entriesPerSecond} each), which failures to replay, and the seed that makes it all repeatable.
 * The first {@code replayed} of fleet time (a day's length with {@code DAY}) run {@code speed} times faster than the
 * wall clock ({@link SimulationClock}).
 */
record SimulatorSettings(int devices, int fleets, double entriesPerSecond, long seed, Set<Scenario> scenarios, Profile profile,
    Duration replayed, double speed) {

  SimulatorSettings {
    if (devices < 1 || fleets < 1 || fleets > devices || entriesPerSecond < 0) {
      throw new IllegalArgumentException("need devices >= fleets >= 1 and a non-negative rate");
    }
    if (replayed.isNegative() || replayed.isZero() || speed < 1) {
      throw new IllegalArgumentException("need a positive replay length and a speed of at least 1");
    }
    scenarios = Set.copyOf(scenarios);
  }

  /** A steady fleet in the present. */
  SimulatorSettings(int devices, int fleets, double entriesPerSecond, long seed, Set<Scenario> scenarios) {
    this(devices, fleets, entriesPerSecond, seed, scenarios, Profile.STEADY, Duration.ofDays(1), 1);
  }
}
