package io.fleetpulse.collector.push;

import java.time.Duration;

/**
 * How long a device's connection may take, for links that leave connections half-open (cellular, NAT,
 * captive portals): {@code idleTimeout} without a byte either way closes the connection (half-sent
 * headers, a silent connection, a keep-alive connection left over); {@code bodyIdleTimeout} without a body
 * byte while the collector reads answers 408 and closes it, nothing of the unread part committed;
 * {@code requestDeadline} bounds a whole push, however steadily it trickles; {@code maxConnectionsPerAddress}
 * caps the connections one client address holds with a request under way (0 = unlimited; devices behind one
 * carrier NAT share an address, so keep it well above a site's device count).
 */
public record ConnectionLimits(Duration idleTimeout, Duration bodyIdleTimeout, Duration requestDeadline, int maxConnectionsPerAddress) {

  public static final ConnectionLimits DEFAULT =
      new ConnectionLimits(Duration.ofSeconds(45), Duration.ofSeconds(30), Duration.ofMinutes(10), 512);

  public ConnectionLimits {
    if (idleTimeout.isZero() || idleTimeout.isNegative() || bodyIdleTimeout.isZero() || bodyIdleTimeout.isNegative()
        || requestDeadline.isZero() || requestDeadline.isNegative() || maxConnectionsPerAddress < 0) {
      throw new IllegalArgumentException("connection timeouts must be positive and the per-address cap 0 (unlimited) or more");
    }
    if (idleTimeout.compareTo(bodyIdleTimeout) <= 0) {
      // Otherwise a stalled body is cut without its 408.
      throw new IllegalArgumentException("the idle timeout (" + idleTimeout.toSeconds() + " s) must be longer than the body idle timeout ("
          + bodyIdleTimeout.toSeconds() + " s)");
    }
  }
}
