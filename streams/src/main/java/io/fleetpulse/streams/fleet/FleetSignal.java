package io.fleetpulse.streams.fleet;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.HealthCheck;
import io.fleetpulse.schemas.Status;
import io.fleetpulse.streams.releases.Releases;
import io.fleetpulse.streams.rules.RuleEvents;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the fleet view needs from one device: an alert transition ({@code kind} set), an event ({@code event} set: its
 * kind, or its rule's; {@code restartedUnit} too for an unclean restart of a unit, {@code cause} a reboot's reason;
 * {@code at} = its event time) or a sign of life from its health ({@code release} set, with {@code os} and the checks
 * {@code failing}, comma-separated, null when none, and {@code releaseSince} when it began running the release, 0 when
 * it never said; {@code at} = last seen; a device that reported its software but sent no journal yet has no last seen,
 * {@code at} 0). It travels through the by-fleet repartition topic, so it is small and has
 * a compact text encoding of its own.
 */
public record FleetSignal(String device, String fleet, AlertKind kind, boolean firing, String cause, long at, String restartedUnit,
                          String event, String release, String os, String failing, long releaseSince) {

  private static final String SEPARATOR = "\u001f";

  /** An alert transition or an unclean restart, as signals were before events and releases travelled here. */
  FleetSignal(String device, String fleet, AlertKind kind, boolean firing, String cause, long at, String restartedUnit) {
    this(device, fleet, kind, firing, cause, at, restartedUnit, null, null, null, null, 0L);
  }

  static FleetSignal of(Alert alert) {
    boolean firing = alert.getState() == AlertState.FIRING;
    long at = firing ? alert.getStartedAt().toEpochMilli() : alert.getResolvedAt().toEpochMilli();
    return new FleetSignal(alert.getDeviceUuid(), alert.getFleet(), alert.getKind(), firing, alert.getCause(), at, null);
  }

  static FleetSignal of(DeviceHealth health) {
    String failing = health.getChecks().stream().filter(check -> check.getStatus() == Status.FAIL || check.getStatus() == Status.WARN)
        .map(HealthCheck::getName).collect(Collectors.joining(","));
    return new FleetSignal(health.getDeviceUuid(), health.getFleet(), null, false, null,
        health.getLastSeen() != null ? health.getLastSeen().toEpochMilli() : 0L, null, null, Releases.of(health),
        health.getSoftware() == null ? null : health.getSoftware().getOs(), failing.isEmpty() ? null : failing,
        health.getSoftware() == null ? 0L : health.getSoftware().getSince().toEpochMilli());
  }

  /** Any event but a disk sample; an unclean restart names its unit (see {@link #isUncleanRestart(DeviceEvent)}). */
  static FleetSignal of(DeviceEvent event) {
    return new FleetSignal(event.getDeviceUuid(), event.getFleet(), null, false,
        event.getKind() == EventKind.DEVICE_REBOOT ? event.getDetails().get("reason") : null, event.getAt().toEpochMilli(),
        isUncleanRestart(event) ? event.getUnit() : null, RuleEvents.kindOf(event), null, null, null, 0L);
  }

  static boolean isUncleanRestart(DeviceEvent event) {
    return event.getKind() == EventKind.UNIT_RESTART && event.getUnit() != null && "false".equals(event.getDetails().get("clean"));
  }

  boolean isHealth() {
    return release != null;
  }

  boolean isEvent() {
    return event != null;
  }

  static Serde<FleetSignal> serde() {
    return Serdes.serdeFrom(
        (topic, s) -> s == null ? null : String.join(SEPARATOR, s.device, s.fleet, s.kind == null ? "" : s.kind.name(),
            Boolean.toString(s.firing), orEmpty(s.cause), Long.toString(s.at), orEmpty(s.restartedUnit), orEmpty(s.event),
            orEmpty(s.release), orEmpty(s.os), orEmpty(s.failing), Long.toString(s.releaseSince)).getBytes(StandardCharsets.UTF_8),
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          String[] f = new String(bytes, StandardCharsets.UTF_8).split(SEPARATOR, -1);
          // Signals written before restarts travelled here have six fields, before events and releases seven.
          return new FleetSignal(f[0], f[1], f[2].isEmpty() ? null : AlertKind.valueOf(f[2]), Boolean.parseBoolean(f[3]),
              orNull(f, 4), Long.parseLong(f[5]), orNull(f, 6), orNull(f, 7), orNull(f, 8), orNull(f, 9), orNull(f, 10),
              f.length > 11 ? Long.parseLong(f[11]) : 0L);
        });
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  private static String orNull(String[] fields, int index) {
    return fields.length > index && !fields[index].isEmpty() ? fields[index] : null;
  }
}
