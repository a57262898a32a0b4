package io.fleetpulse.streams.releases;

/** The release a device runs as of its latest health, and when it was last seen on it. */
public record DeviceOnRelease(String release, long lastSeen) {}
