package io.fleetpulse.simulator;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated balenaOS device: its identity, its boot, its clocks and its journal. Everything it
 * writes follows from the seed, so a run can be replayed exactly.
 *
 * <p>Its wall clock is its boot's wall time plus its monotonic clock plus the error a scenario sets:
 * the two clocks advance together however late or bunched the simulator's ticks run, so only a
 * scenario's clock error ever looks like a clock step (a TIME_JUMP) to fleetpulse.
 */
final class SimulatedDevice {

  final String uuid;
  final String fleet;
  /** Pushes the Journal Export Format (systemd-journal-upload) rather than journalctl JSON lines. */
  final boolean exportFormat;
  final SplittableRandom random;
  private final String machineId;
  private final String seqnumId;
  private String bootId;
  private long seqnum;
  /** Microseconds since boot. */
  private long monotonicUs;
  /** The true wall time of the boot, in microseconds, once the first tick has told the device the time. */
  private long bootWallUs = UNKNOWN;
  private static final long UNKNOWN = Long.MIN_VALUE;
  /** How far the device's wall clock is from the true time (negative: behind, as after a reset to 2017). */
  private Duration clockError = Duration.ZERO;
  private final List<JsonObject> pending = new ArrayList<>();
  /** Shut down until then (rebooting): it writes nothing, samples nothing. */
  private Instant offUntil = Instant.MIN;
  long diskUsedBytes;
  final long diskSizeBytes = 29_000_000_000L;

  SimulatedDevice(String uuid, String fleet, boolean exportFormat, SplittableRandom random) {
    this.uuid = uuid;
    this.fleet = fleet;
    this.exportFormat = exportFormat;
    this.random = random;
    this.machineId = hex(random, 32);
    this.seqnumId = hex(random, 32);
    this.bootId = hex(random, 32);
    this.monotonicUs = (600 + random.nextInt(86_400)) * 1_000_000L;
    this.seqnum = 1000 + random.nextInt(100_000);
    this.diskUsedBytes = 4_000_000_000L + random.nextLong(6_000_000_000L);
  }

  /**
   * Time passed up to {@code now}: the monotonic clock catches up with it. It never goes back: entries
   * written meanwhile may have moved it a little ahead.
   */
  void advanceTo(Instant now) {
    long nowUs = micros(now);
    if (bootWallUs == UNKNOWN) {
      bootWallUs = nowUs - monotonicUs;
    }
    monotonicUs = Math.max(monotonicUs, nowUs - bootWallUs);
  }

  /**
   * Shut down until {@code bootAt} with a new boot ID and its monotonic clock from zero. A device without
   * a real-time clock boots at the time it last saved: its wall clock is {@code behind} until chrony steps it.
   */
  void reboot(Instant bootAt, Duration behind) {
    offUntil = bootAt;
    bootId = hex(random, 32);
    bootWallUs = micros(bootAt);
    monotonicUs = 0;
    clockError = behind.negated();
  }

  boolean isOff(Instant now) {
    return now.isBefore(offUntil);
  }

  /** The wall clock is set wrong (e.g. back to 2017) or corrected by chrony. */
  void setClockError(Duration error) {
    clockError = error;
  }

  Duration clockError() {
    return clockError;
  }

  Instant deviceClock(Instant now) {
    return now.plus(clockError);
  }

  /** Appends one entry, as `journalctl -o json` prints it, to what the device will push next. */
  void write(Instant now, JournalLine line) {
    advanceTo(now);
    long realtimeUs = bootWallUs + monotonicUs + clockError.toNanos() / 1_000;
    seqnum++;
    JsonObject entry = new JsonObject()
        .put("__CURSOR", "s=" + seqnumId + ";i=" + Long.toHexString(seqnum) + ";b=" + bootId + ";m=" + Long.toHexString(monotonicUs)
            + ";t=" + Long.toHexString(realtimeUs) + ";x=0")
        .put("__REALTIME_TIMESTAMP", Long.toString(realtimeUs))
        .put("__MONOTONIC_TIMESTAMP", Long.toString(monotonicUs))
        .put("__SEQNUM", Long.toString(seqnum))
        .put("__SEQNUM_ID", seqnumId)
        .put("_BOOT_ID", bootId)
        .put("_MACHINE_ID", machineId)
        .put("_HOSTNAME", uuid.substring(0, 7))
        .put("PRIORITY", Integer.toString(line.priority()))
        .put("_TRANSPORT", line.transport())
        .put("SYSLOG_IDENTIFIER", line.identifier())
        .put("MESSAGE", line.message());
    if (!line.transport().equals("kernel")) {
      entry.put("_PID", Integer.toString(line.pid()));
    }
    if (line.identifier().equals("systemd")) {
      entry.put("_SYSTEMD_UNIT", "init.scope").put("UNIT", line.unit());
    } else if (!line.transport().equals("kernel")) {
      entry.put("_SYSTEMD_UNIT", line.unit());
    }
    pending.add(entry);
    // Entries of one second are a few milliseconds apart: however many a device writes, its clocks stay near the true time.
    monotonicUs += 100 + random.nextInt(2_000);
  }

  /** The entries written since the last push, oldest first. */
  List<JsonObject> drain() {
    List<JsonObject> entries = List.copyOf(pending);
    pending.clear();
    return entries;
  }

  private static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
  }

  static String hex(SplittableRandom random, int digits) {
    StringBuilder out = new StringBuilder(digits);
    for (int i = 0; i < digits; i++) {
      out.append(Character.forDigit(random.nextInt(16), 16));
    }
    return out.toString();
  }
}
