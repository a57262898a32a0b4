package io.fleetpulse.collector.push;

import io.fleetpulse.collector.ratelimit.ConnectionRateLimiter;
import io.vertx.core.http.HttpConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the collector's connections within what the process can afford: past {@code maxConnections} in
 * all, past {@code maxPerAddress} from one client address, or faster than that address's new-connection rate
 * ({@link ConnectionRateLimiter}: a client reconnecting in a tight loop), a new connection is closed at once (not
 * accepted), so a surge of devices is refused instead of exhausting the file descriptors the broker, the
 * state stores and the API share with it. Vert.x hands a plain-HTTP connection over once its first bytes
 * arrive (until then it cannot tell HTTP/1.1 from h2c), so connections that never send a byte are the idle
 * timeout's. Shared by the event loops of one collector.
 */
final class ConnectionGuard {

  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
  /** At most one log line per this many refusals, so a flood does not flood the log too. */
  private static final int LOG_EVERY = 1000;

  private final int maxConnections;
  private final int maxPerAddress;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger refusedCount = new AtomicInteger();
  private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
  private final ConnectionRateLimiter newPerAddress;
  private final Runnable refused;

  /**
   * @param maxConnections connections in all (0 = no cap)
   * @param maxPerAddress connections from one address (0 = no cap)
   * @param newPerAddress new connections one address may open per second
   * @param refused counts a connection closed by the guard
   */
  ConnectionGuard(int maxConnections, int maxPerAddress, ConnectionRateLimiter newPerAddress, Runnable refused) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
    this.newPerAddress = newPerAddress;
    this.refused = refused;
  }

  /** Connections from {@code address} the guard counts now. */
  int connections(String address) {
    AtomicInteger fromAddress = perAddress.get(address);
    return fromAddress == null ? 0 : fromAddress.get();
  }

  /** Connections open now. */
  int connections() {
    return open.get();
  }

  /** For {@code HttpServer.connectionHandler}. */
  void connected(HttpConnection connection) {
    int total = open.incrementAndGet();
    String address = connection.remoteAddress() == null ? "unknown" : connection.remoteAddress().hostAddress();
    AtomicInteger fromAddress = maxPerAddress == 0 ? null : perAddress.computeIfAbsent(address, key -> new AtomicInteger());
    int mine = fromAddress == null ? 0 : fromAddress.incrementAndGet();
    connection.closeHandler(closed -> {
      open.decrementAndGet();
      if (fromAddress != null && fromAddress.decrementAndGet() == 0) {
        perAddress.remove(address, fromAddress);
      }
    });
    if (maxConnections > 0 && total > maxConnections) {
      refuse(connection, "the collector holds " + maxConnections + " connections (collector.limits.maxConnections)");
    } else if (fromAddress != null && mine > maxPerAddress) {
      refuse(connection, address + " already holds " + maxPerAddress + " (collector.limits.maxConnectionsPerAddress)");
    } else if (!newPerAddress.tryConnect(address)) {
      refuse(connection, address + " opens connections faster than collector.limits.newConnectionsPerSecondPerAddress allows");
    }
  }

  private void refuse(HttpConnection connection, String why) {
    if (refusedCount.getAndIncrement() % LOG_EVERY == 0) {
      log.warn("Closed a new connection: {} ({} refused so far)", why, refusedCount.get());
    }
    refused.run();
    connection.close();
  }
}
