package io.fleetpulse.api.devices;

import io.fleetpulse.schemas.DeviceStatus;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * How the collector reaches a device tailed over SSH, as the SSH collector last reported it: its connection state
 * (STREAMING, BACKOFF, AUTH_FAILED, HOST_KEY_MISMATCH, …), since when, the last error, and when the device's last
 * entry arrived (null: connected, but it has logged nothing since).
 */
public final class CollectorStateJson {

  private CollectorStateJson() {}

  public static JsonObject of(DeviceStatus status, Instant lastEntryAt) {
    return new JsonObject()
        .put("mode", "ssh")
        .put("state", status.getState().name())
        .put("since", status.getSince().toString())
        .put("detail", status.getDetail())
        .put("reportedAt", status.getAt().toString())
        .put("lastEntryAt", lastEntryAt == null ? null : lastEntryAt.toString());
  }

  /** A row of the collector's device list: the device, then its state. */
  public static JsonObject row(DeviceStatus status, Instant lastEntryAt) {
    return new JsonObject().put("uuid", status.getDeviceUuid()).put("fleet", status.getFleet()).mergeIn(of(status, lastEntryAt));
  }
}
