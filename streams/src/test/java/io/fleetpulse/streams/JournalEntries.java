package io.fleetpulse.streams;

import io.fleetpulse.schemas.JournalEntry;
import java.time.Instant;
import java.util.Map;

/** Journal entries as the collector would write them, for topology tests. */
public final class JournalEntries {

  /** The device booted in 2014 and its clock never stepped: realtime minus monotonic is constant. */
  private static final long BOOT_REALTIME_US = 1_400_000_000_000_000L;

  private JournalEntries() {}

  public static long monotonicUs(Instant at) {
    return at.toEpochMilli() * 1000 - BOOT_REALTIME_US;
  }

  public static JournalEntry.Builder systemd(String uuid, String unit, String message, Instant at) {
    return JournalEntry.newBuilder()
        .setDeviceUuid(uuid)
        .setFleet("harbor")
        .setUnit(unit)
        .setSyslogIdentifier("systemd")
        .setPid(1)
        .setPriority(6)
        .setTransport("journal")
        .setBootId("6ce386d4e891e05cda4946fa3e7b2438")
        .setRealtimeUs(at.toEpochMilli() * 1000)
        .setMonotonicUs(monotonicUs(at))
        .setMessage(message)
        .setFields(Map.of("_SYSTEMD_UNIT", "init.scope", "UNIT", unit))
        .setReceivedAt(at.plusMillis(250));
  }

  /** A line a service wrote to syslog/stdout, as the collector files it under its unit. */
  public static JournalEntry.Builder service(String uuid, String unit, String identifier, String message, Instant at) {
    return JournalEntry.newBuilder()
        .setDeviceUuid(uuid)
        .setFleet("harbor")
        .setUnit(unit)
        .setSyslogIdentifier(identifier)
        .setPid(812)
        .setPriority(6)
        .setTransport("syslog")
        .setBootId("6ce386d4e891e05cda4946fa3e7b2438")
        .setRealtimeUs(at.toEpochMilli() * 1000)
        .setMonotonicUs(monotonicUs(at))
        .setMessage(message)
        .setFields(Map.of("_SYSTEMD_UNIT", unit))
        .setReceivedAt(at.plusMillis(250));
  }

  /** A kernel ring-buffer line. */
  public static JournalEntry.Builder kernel(String uuid, String message, Instant at) {
    return JournalEntry.newBuilder()
        .setDeviceUuid(uuid)
        .setFleet("harbor")
        .setUnit("kernel")
        .setSyslogIdentifier("kernel")
        .setPriority(3)
        .setTransport("kernel")
        .setBootId("6ce386d4e891e05cda4946fa3e7b2438")
        .setRealtimeUs(at.toEpochMilli() * 1000)
        .setMonotonicUs(monotonicUs(at))
        .setMessage(message)
        .setReceivedAt(at.plusMillis(250));
  }
}
