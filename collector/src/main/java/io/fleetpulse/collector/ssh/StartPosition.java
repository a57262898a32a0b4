package io.fleetpulse.collector.ssh;

/** Where tailing starts for a device that has no committed cursor yet. */
public enum StartPosition {
  /** Only entries written from now on (like {@code journalctl -f -n 0}). */
  NOW,
  /** Everything the device's journal still holds, across boots. */
  ALL
}
