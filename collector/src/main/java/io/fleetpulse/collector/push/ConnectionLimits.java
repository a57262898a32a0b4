package io.fleetpulse.collector.push;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * How long a device's connection may take, and how many the collector holds, for links that leave
 * connections half-open (cellular, NAT, captive portals) and for surges of devices: {@code idleTimeout}
 * without a byte either way closes the connection (half-sent headers, a silent connection, a keep-alive
 * connection left over); {@code bodyIdleTimeout} without a body byte while the collector reads answers 408
 * and closes it, nothing of the unread part committed; {@code requestDeadline} bounds a whole push, however
 * steadily it trickles; {@code maxConnections} caps the connections held in all ({@link #affordableConnections()}
 * by default) and {@code maxConnectionsPerAddress} those of one client address (0 = unlimited; devices behind
 * one carrier NAT share an address, so keep it well above a site's device count); {@code newConnectionsPerSecondPerAddress}
 * bounds how fast one address may open connections (0 = unlimited; a client reconnecting in a tight loop).
 */
public record ConnectionLimits(Duration idleTimeout, Duration bodyIdleTimeout, Duration requestDeadline, int maxConnections,
                               int maxConnectionsPerAddress, int newConnectionsPerSecondPerAddress) {

  /** File descriptors kept for everything else in the process: the broker (all-in-one), state stores, the API, Kafka clients. */
  public static final int RESERVED_DESCRIPTORS = 4096;

  public static final ConnectionLimits DEFAULT = new ConnectionLimits(Duration.ofSeconds(45), Duration.ofSeconds(30),
      Duration.ofMinutes(10), affordableConnections(), 512, 200);

  public ConnectionLimits {
    if (idleTimeout.isZero() || idleTimeout.isNegative() || bodyIdleTimeout.isZero() || bodyIdleTimeout.isNegative()
        || requestDeadline.isZero() || requestDeadline.isNegative() || maxConnections < 0 || maxConnectionsPerAddress < 0
        || newConnectionsPerSecondPerAddress < 0) {
      throw new IllegalArgumentException("connection timeouts must be positive and the connection caps 0 (unlimited) or more");
    }
    if (idleTimeout.compareTo(bodyIdleTimeout) <= 0) {
      // Otherwise a stalled body is cut without its 408.
      throw new IllegalArgumentException("the idle timeout (" + idleTimeout.toSeconds() + " s) must be longer than the body idle timeout ("
          + bodyIdleTimeout.toSeconds() + " s)");
    }
  }

  /**
   * The connections this process can hold without running out of file descriptors: its descriptor limit
   * (the JVM raises the soft limit to the hard one at start on Linux) less a quarter of it, and at least
   * {@link #RESERVED_DESCRIPTORS}, for everything else; at least 64. 0 (no cap) where the limit cannot be read.
   */
  public static int affordableConnections() {
    if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix)) {
      return 0;
    }
    long limit = unix.getMaxFileDescriptorCount();
    long reserve = Math.max(RESERVED_DESCRIPTORS, limit / 4);
    return (int) Math.min(Integer.MAX_VALUE, Math.max(64, limit - reserve));
  }

  /** The descriptor limit of this process, for the start-up log (-1 where it cannot be read). */
  public static long descriptorLimit() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount() : -1;
  }
}
