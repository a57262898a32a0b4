package io.fleetpulse.launcher.config;

import java.util.Set;

/**
 * Security by default: without authentication, fleetpulse listens on loopback only, because anyone
 * who can reach the ports could push logs in a device's name or read the fleet's data.
 */
public final class BindPolicy {

  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

  private BindPolicy() {}

  /** @throws ConfigException if {@code host} is not loopback */
  public static void requireLoopback(String what, String host) {
    if (!LOOPBACK.contains(host) && !host.startsWith("127.")) {
      throw new ConfigException("Refusing to bind the " + what + " to " + host + ": no authentication is configured, so anyone "
          + "on that network could push logs in a device's name or read fleet data. Bind to 127.0.0.1 (the default) and put "
          + "a TLS-terminating reverse proxy with authentication in front; built-in auth comes with the push-ingest and API work.");
    }
  }
}
