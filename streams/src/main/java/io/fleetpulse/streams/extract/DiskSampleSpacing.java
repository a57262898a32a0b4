package io.fleetpulse.streams.extract;

import io.fleetpulse.schemas.DiskSample;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which df samples become DISK_SAMPLE events. A device sampled every minute would file 360 of them in the six-hour
 * trend window, and each event of the device reads its window back to be judged: a device's every event would decode
 * hundreds of samples, and a fleet's event history would be mostly df. A sample becomes an event when it is its
 * mount's first, {@link #SPACING} after the last one that did (or older than it: a backfill), when the usage moved by
 * more than {@link #MOVE} of the disk since, or when free space is under the alerting threshold. Every sample still
 * reports check_localdisk and the device's last seen.
 *
 * <p>Kept in memory per task, for the {@link #REMEMBERED} mounts last sampled: one forgotten (a restart, a fleet
 * larger than that) files its next sample, which is only one more event.
 */
final class DiskSampleSpacing {

  static final Duration SPACING = Duration.ofMinutes(5);
  static final double MOVE = 0.005;
  static final int REMEMBERED = 200_000;

  private record Filed(Instant at, long usedBytes) {}

  private final double minFreeFraction;
  private final Map<String, Filed> lastFiled = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Filed> eldest) {
      return size() > REMEMBERED;
    }
  };

  DiskSampleSpacing(double minFreeFraction) {
    this.minFreeFraction = minFreeFraction;
  }

  /** Whether {@code sample}, taken at {@code at}, becomes an event. */
  boolean files(DiskSample sample, Instant at) {
    String mount = sample.getDeviceUuid() + '|' + sample.getMount();
    Filed last = lastFiled.get(mount);
    boolean low = sample.getSizeBytes() > 0 && (double) sample.getAvailBytes() / sample.getSizeBytes() < minFreeFraction;
    if (last != null && at.isBefore(last.at())) {
      return true; // a backfill: the trend needs its past
    }
    boolean files = last == null || low || !at.isBefore(last.at().plus(SPACING))
        || Math.abs(sample.getUsedBytes() - last.usedBytes()) > MOVE * sample.getSizeBytes();
    if (files) {
      lastFiled.put(mount, new Filed(at, sample.getUsedBytes()));
    }
    return files;
  }
}
