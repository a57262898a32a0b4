package io.fleetpulse.simulator;

/** What the healthy devices of a simulated fleet log (failure scenarios come on top). */
public enum Profile {

  /** A steady chatter of {@code --rate} entries per second per device: for load. */
  STEADY,

  /**
   * A healthy fleet's day ({@link BenignDay}): reboots, release updates, network renewals and blips, a few lines an
   * hour per device; for detection quality, where the right count of alerts is zero.
   */
  DAY
}
