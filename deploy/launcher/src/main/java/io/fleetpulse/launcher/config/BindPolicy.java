package io.fleetpulse.launcher.config;

import java.util.Set;

/**
 * Security by default: without authentication, fleetpulse listens on loopback only, because anyone
 * who can reach the ports could push logs in a device's name or read the fleet's data.
 */
public final class BindPolicy {

  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

  private BindPolicy() {}

  /**
   * @param authentication how {@code what} authenticates its clients, or null when it does not
   * @throws ConfigException if {@code host} is not loopback and there is no authentication
   */
  public static void requireLoopbackUnlessAuthenticated(String what, String host, String authentication, String howToEnable) {
    if (authentication == null && !LOOPBACK.contains(host) && !host.startsWith("127.")) {
      throw new ConfigException("Refusing to bind the " + what + " to " + host + ": no authentication is configured for it, so anyone "
          + "on that network could use it. Bind to 127.0.0.1 (the default), or " + howToEnable + ".");
    }
  }
}
