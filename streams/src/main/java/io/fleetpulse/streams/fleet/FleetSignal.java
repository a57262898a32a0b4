package io.fleetpulse.streams.fleet;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.DeviceHealth;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the fleet view needs from one device: either an alert transition ({@code kind} set) or a sign of
 * life ({@code kind} null, {@code at} = last seen). It travels through the by-fleet repartition topic,
 * so it is small and has a compact text encoding of its own.
 */
public record FleetSignal(String device, String fleet, AlertKind kind, boolean firing, String cause, long at) {

  private static final String SEPARATOR = "\u001f";

  static FleetSignal of(Alert alert) {
    boolean firing = alert.getState() == AlertState.FIRING;
    long at = firing ? alert.getStartedAt().toEpochMilli() : alert.getResolvedAt().toEpochMilli();
    return new FleetSignal(alert.getDeviceUuid(), alert.getFleet(), alert.getKind(), firing, alert.getCause(), at);
  }

  static FleetSignal of(DeviceHealth health) {
    return new FleetSignal(health.getDeviceUuid(), health.getFleet(), null, false, null,
        health.getLastSeen() != null ? health.getLastSeen().toEpochMilli() : 0L);
  }

  static Serde<FleetSignal> serde() {
    return Serdes.serdeFrom(
        (topic, s) -> s == null ? null : String.join(SEPARATOR, s.device, s.fleet, s.kind == null ? "" : s.kind.name(),
            Boolean.toString(s.firing), s.cause == null ? "" : s.cause, Long.toString(s.at)).getBytes(StandardCharsets.UTF_8),
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          String[] f = new String(bytes, StandardCharsets.UTF_8).split(SEPARATOR, -1);
          return new FleetSignal(f[0], f[1], f[2].isEmpty() ? null : AlertKind.valueOf(f[2]), Boolean.parseBoolean(f[3]),
              f[4].isEmpty() ? null : f[4], Long.parseLong(f[5]));
        });
  }
}
