package io.fleetpulse.collector.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-device token buckets for entries and bytes. A device over its limit is refused (429) before its
 * body is read, so a flooding device costs the collector almost nothing and others are not slowed.
 */
public final class DeviceRateLimiter {

  private final RateLimitSettings settings;
  private final LongSupplier nanoClock;
  private final Map<String, DeviceBuckets> buckets = new ConcurrentHashMap<>();

  private record DeviceBuckets(TokenBucket entries, TokenBucket bytes) {}

  public DeviceRateLimiter(RateLimitSettings settings) {
    this(settings, System::nanoTime);
  }

  DeviceRateLimiter(RateLimitSettings settings, LongSupplier nanoClock) {
    this.settings = settings;
    this.nanoClock = nanoClock;
  }

  /** Zero when the device may push now, else how long it must wait. */
  public Duration waitBeforeNextPush(String deviceUuid) {
    DeviceBuckets device = buckets.get(deviceUuid);
    if (device == null) {
      return Duration.ZERO;
    }
    long now = nanoClock.getAsLong();
    long wait = 0;
    if (device.entries() != null) {
      wait = device.entries().nanosUntilAvailable(now);
    }
    if (device.bytes() != null) {
      wait = Math.max(wait, device.bytes().nanosUntilAvailable(now));
    }
    return Duration.ofNanos(wait);
  }

  /** Charges what a device's push brought. */
  public void charge(String deviceUuid, int entries, long bytes) {
    if (settings.entriesPerSecond() == 0 && settings.bytesPerSecond() == 0) {
      return;
    }
    long now = nanoClock.getAsLong();
    DeviceBuckets device = buckets.computeIfAbsent(deviceUuid, key -> new DeviceBuckets(
        bucket(settings.entriesPerSecond(), now), bucket(settings.bytesPerSecond(), now)));
    if (device.entries() != null) {
      device.entries().take(entries, now);
    }
    if (device.bytes() != null) {
      device.bytes().take(bytes, now);
    }
  }

  private TokenBucket bucket(double perSecond, long now) {
    return perSecond == 0 ? null : new TokenBucket(perSecond, perSecond * settings.burstSeconds(), now);
  }
}
