package io.fleetpulse.collector.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-device token buckets for requests, entries and bytes. A device over its limit is refused (429) before its
 * body is read, so a flooding device costs the collector almost nothing and others are not slowed: every push
 * takes a request token as it arrives ({@link #admitPush}; a device re-sending in a tight loop is held to its
 * request rate even though re-sent entries are free); a request that runs past the budget while it is read is
 * cut there: every new entry takes a token as it is parsed ({@link #takeEntry}), and the bytes read are charged
 * chunk by chunk ({@link #chargeBytes}).
 */
public final class DeviceRateLimiter {

  private final RateLimitSettings settings;
  private final LongSupplier nanoClock;
  private final Map<String, DeviceBuckets> buckets = new ConcurrentHashMap<>();

  private record DeviceBuckets(TokenBucket entries, TokenBucket bytes, TokenBucket requests) {}

  public DeviceRateLimiter(RateLimitSettings settings) {
    this(settings, System::nanoTime);
  }

  DeviceRateLimiter(RateLimitSettings settings, LongSupplier nanoClock) {
    this.settings = settings;
    this.nanoClock = nanoClock;
  }

  /**
   * Zero when the device may push now, and the push has taken one of its request tokens; else how long it must
   * wait (nothing taken).
   */
  public Duration admitPush(String deviceUuid) {
    Duration wait = waitBeforeNextPush(deviceUuid);
    DeviceBuckets device = buckets(deviceUuid);
    if (!wait.isZero() || device == null || device.requests() == null) {
      return wait;
    }
    long now = nanoClock.getAsLong();
    return device.requests().tryTake(1, now) ? Duration.ZERO : Duration.ofNanos(device.requests().nanosUntilAvailable(now));
  }

  /** Zero when the device's entries and bytes allow a push now, else how long it must wait. */
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

  /** Takes one entry's token from the device's budget; false (nothing taken) when none is left. */
  public boolean takeEntry(String deviceUuid) {
    DeviceBuckets device = buckets(deviceUuid);
    return device == null || device.entries() == null || device.entries().tryTake(1, nanoClock.getAsLong());
  }

  /** Charges bytes read from the device; false once that put it in debt (the request must stop there). */
  public boolean chargeBytes(String deviceUuid, long bytes) {
    DeviceBuckets device = buckets(deviceUuid);
    return device == null || device.bytes() == null || device.bytes().take(bytes, nanoClock.getAsLong());
  }

  private DeviceBuckets buckets(String deviceUuid) {
    if (settings.entriesPerSecond() == 0 && settings.bytesPerSecond() == 0 && settings.requestsPerSecond() == 0) {
      return null;
    }
    return buckets.computeIfAbsent(deviceUuid, key -> {
      long now = nanoClock.getAsLong();
      return new DeviceBuckets(bucket(settings.entriesPerSecond(), now), bucket(settings.bytesPerSecond(), now),
          bucket(settings.requestsPerSecond(), now));
    });
  }

  private TokenBucket bucket(double perSecond, long now) {
    return perSecond == 0 ? null : new TokenBucket(perSecond, perSecond * settings.burstSeconds(), now);
  }
}
