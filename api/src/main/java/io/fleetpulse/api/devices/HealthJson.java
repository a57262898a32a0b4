package io.fleetpulse.api.devices;

import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.HealthCheck;
import io.fleetpulse.schemas.Software;
import io.fleetpulse.schemas.Status;
import io.fleetpulse.streams.releases.Releases;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Device health as CONTRACT.md shows it. */
public final class HealthJson {

  private HealthJson() {}

  public static JsonObject of(DeviceHealth health) {
    return new JsonObject()
        .put("uuid", health.getDeviceUuid())
        .put("fleet", health.getFleet())
        .put("status", health.getStatus().name())
        .put("lastSeen", time(health.getLastSeen()))
        .put("software", software(health.getSoftware()))
        .put("checks", checks(health));
  }

  /** What the device runs, or null when it never said (no facts, no supervisor start line seen yet). */
  static JsonObject software(Software software) {
    if (software == null) {
      return null;
    }
    return new JsonObject()
        .put("os", software.getOs())
        .put("supervisor", software.getSupervisor())
        .put("release", software.getRelease())
        .put("deviceType", software.getDeviceType())
        .put("since", time(software.getSince()));
  }



  /** A device the collector reaches but that has sent no entry yet: nothing to judge, so UNKNOWN without checks. */
  public static JsonObject withoutEntries(String uuid, String fleet) {
    return new JsonObject().put("uuid", uuid).put("fleet", fleet).put("status", Status.UNKNOWN.name()).putNull("lastSeen")
        .put("checks", new JsonArray());
  }

  /** The row of the device list: who, how, and which checks fail. */
  public static JsonObject summary(DeviceHealth health) {
    JsonArray failing = new JsonArray();
    for (HealthCheck check : health.getChecks()) {
      if (check.getStatus() == Status.FAIL || check.getStatus() == Status.WARN) {
        failing.add(check.getName());
      }
    }
    return new JsonObject()
        .put("uuid", health.getDeviceUuid())
        .put("fleet", health.getFleet())
        .put("status", health.getStatus().name())
        .put("lastSeen", time(health.getLastSeen()))
        .put("release", Releases.of(health))
        .put("failing", failing);
  }

  static JsonArray checks(DeviceHealth health) {
    JsonArray checks = new JsonArray();
    for (HealthCheck check : health.getChecks()) {
      checks.add(new JsonObject()
          .put("name", check.getName())
          .put("status", check.getStatus().name())
          .put("message", check.getMessage())
          .put("since", time(check.getSince())));
    }
    return checks;
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
