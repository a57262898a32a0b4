package io.fleetpulse.streams.releases;

import io.fleetpulse.schemas.DeviceHealth;

/** How fleetpulse names a device's app release. */
public final class Releases {

  /** The release of devices that never reported one: their events count under it, and it is compared with nothing. */
  public static final String UNKNOWN = "unknown";

  private Releases() {}

  public static String of(DeviceHealth health) {
    return health.getSoftware() == null || health.getSoftware().getRelease() == null ? UNKNOWN : health.getSoftware().getRelease();
  }
}
