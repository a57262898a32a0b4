package io.fleetpulse.streams.detect;

import io.fleetpulse.schemas.ConnectionState;
import io.fleetpulse.schemas.DeviceStatus;
import java.time.Instant;

/** Collector statuses for tests. */
final class DeviceStatusBuilder {

  private DeviceStatusBuilder() {}

  static DeviceStatus status(String device, ConnectionState state, Instant since, Instant at) {
    return DeviceStatus.newBuilder().setDeviceUuid(device).setFleet("harbor").setState(state).setSince(since)
        .setDetail(state == ConnectionState.STREAMING ? null : "connect timed out").setAt(at).build();
  }
}
