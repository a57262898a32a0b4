package io.fleetpulse.simulator;

import java.util.Set;

/**
 * A simulated fleet: how many devices in how many fleets, how much each logs, which failures to
 * replay, and the seed that makes it all repeatable.
 */
record SimulatorSettings(int devices, int fleets, double entriesPerSecond, long seed, Set<Scenario> scenarios) {

  SimulatorSettings {
    if (devices < 1 || fleets < 1 || fleets > devices || entriesPerSecond < 0) {
      throw new IllegalArgumentException("need devices >= fleets >= 1 and a non-negative rate");
    }
    scenarios = Set.copyOf(scenarios);
  }
}
