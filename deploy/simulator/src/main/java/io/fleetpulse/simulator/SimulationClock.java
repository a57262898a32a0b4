package io.fleetpulse.simulator;

import java.time.Duration;
import java.time.Instant;

/**
 * The fleet's time. A replay runs {@code speed} times faster than the wall clock from a start far enough in the past
 * that it reaches the present after {@code replayed} of fleet time; from then on the fleet lives in the present. The
 * devices' clocks never run ahead of the true time: compressed time is told as a backfill catching up (devices that
 * upload what they logged while offline), the only way a collector accepts a day in minutes.
 */
record SimulationClock(Instant realStart, Instant fleetStart, double speed) {

  /** A fleet living in the present from {@code now}. */
  static SimulationClock live(Instant now) {
    return new SimulationClock(now, now, 1);
  }

  /** {@code replayed} of fleet time at {@code speed}, reaching the present {@code replayed / speed} after {@code now}. */
  static SimulationClock replaying(Instant now, Duration replayed, double speed) {
    if (speed <= 1) {
      return live(now);
    }
    Duration catchUp = Duration.ofNanos((long) (replayed.toNanos() / speed));
    return new SimulationClock(now, now.plus(catchUp).minus(replayed), speed);
  }

  /** The fleet's time at wall-clock time {@code now}. */
  Instant at(Instant now) {
    double elapsedNanos = Duration.between(realStart, now).toNanos() * speed;
    Instant fleet = fleetStart.plusNanos((long) elapsedNanos);
    return fleet.isAfter(now) ? now : fleet;
  }
}
