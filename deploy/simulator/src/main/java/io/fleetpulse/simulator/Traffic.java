package io.fleetpulse.simulator;

import java.time.Instant;

/** What healthy devices log, second by second: a steady chatter, or a day's benign happenings. */
interface Traffic {

  /** Writes what {@code device} logged in the second up to {@code now}. */
  void tick(SimulatedDevice device, Instant now);
}
