package io.fleetpulse.collector.push;

import io.vertx.core.http.HttpConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one client address from hoarding the collector's connections: past the cap, its new connections
 * are closed at once. Vert.x hands a plain-HTTP connection over once its first request head is parsed
 * (until then it cannot tell HTTP/1.1 from h2c), so connections that never get that far are the idle
 * timeout's. Shared by the event loops of one collector.
 */
final class ConnectionGuard {

  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

  private final int maxPerAddress;
  private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
  private final Runnable refused;

  /** @param refused counts a connection closed by the guard */
  ConnectionGuard(int maxPerAddress, Runnable refused) {
    this.maxPerAddress = maxPerAddress;
    this.refused = refused;
  }

  /** Connections from {@code address} the guard counts now. */
  int connections(String address) {
    AtomicInteger open = perAddress.get(address);
    return open == null ? 0 : open.get();
  }

  /** For {@code HttpServer.connectionHandler}. */
  void connected(HttpConnection connection) {
    if (maxPerAddress == 0) {
      return;
    }
    String address = connection.remoteAddress() == null ? "unknown" : connection.remoteAddress().hostAddress();
    AtomicInteger open = perAddress.computeIfAbsent(address, key -> new AtomicInteger());
    int now = open.incrementAndGet();
    connection.closeHandler(closed -> {
      if (open.decrementAndGet() == 0) {
        perAddress.remove(address, open);
      }
    });
    if (now > maxPerAddress) {
      log.warn("Closed a connection from {}: it already holds {} (collector.limits.maxConnectionsPerAddress)", address, maxPerAddress);
      refused.run();
      connection.close();
    }
  }
}
