package io.fleetpulse.streams.fleet;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.EventKind;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the fleet view needs from one device: an alert transition ({@code kind} set), an unclean restart
 * of a unit ({@code restartedUnit} set, {@code at} = its event time) or a sign of life (neither,
 * {@code at} = last seen). It travels through the by-fleet repartition topic, so it is small and has a
 * compact text encoding of its own.
 */
public record FleetSignal(String device, String fleet, AlertKind kind, boolean firing, String cause, long at, String restartedUnit) {

  private static final String SEPARATOR = "\u001f";

  static FleetSignal of(Alert alert) {
    boolean firing = alert.getState() == AlertState.FIRING;
    long at = firing ? alert.getStartedAt().toEpochMilli() : alert.getResolvedAt().toEpochMilli();
    return new FleetSignal(alert.getDeviceUuid(), alert.getFleet(), alert.getKind(), firing, alert.getCause(), at, null);
  }

  static FleetSignal of(DeviceHealth health) {
    return new FleetSignal(health.getDeviceUuid(), health.getFleet(), null, false, null,
        health.getLastSeen() != null ? health.getLastSeen().toEpochMilli() : 0L, null);
  }

  /** An unclean restart; see {@link #isUncleanRestart(DeviceEvent)}. */
  static FleetSignal of(DeviceEvent restart) {
    return new FleetSignal(restart.getDeviceUuid(), restart.getFleet(), null, false, null, restart.getAt().toEpochMilli(),
        restart.getUnit());
  }

  static boolean isUncleanRestart(DeviceEvent event) {
    return event.getKind() == EventKind.UNIT_RESTART && event.getUnit() != null && "false".equals(event.getDetails().get("clean"));
  }

  static Serde<FleetSignal> serde() {
    return Serdes.serdeFrom(
        (topic, s) -> s == null ? null : String.join(SEPARATOR, s.device, s.fleet, s.kind == null ? "" : s.kind.name(),
            Boolean.toString(s.firing), s.cause == null ? "" : s.cause, Long.toString(s.at),
            s.restartedUnit == null ? "" : s.restartedUnit).getBytes(StandardCharsets.UTF_8),
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          String[] f = new String(bytes, StandardCharsets.UTF_8).split(SEPARATOR, -1);
          // Signals written before restarts travelled here have six fields.
          String restartedUnit = f.length > 6 && !f[6].isEmpty() ? f[6] : null;
          return new FleetSignal(f[0], f[1], f[2].isEmpty() ? null : AlertKind.valueOf(f[2]), Boolean.parseBoolean(f[3]),
              f[4].isEmpty() ? null : f[4], Long.parseLong(f[5]), restartedUnit);
        });
  }
}
