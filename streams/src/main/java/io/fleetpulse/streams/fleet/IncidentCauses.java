package io.fleetpulse.streams.fleet;

/** How a fleet incident names its dominant cause, and what to do about it fleet-wide. */
final class IncidentCauses {

  private IncidentCauses() {}

  static String explain(String cause) {
    return switch (cause) {
      case "CLOCK_SKEW" -> "with backward clock jumps — NTP likely blocked on their network";
      case "DNS" -> "with failing name resolution — DNS likely blocked or broken on their network";
      case "TLS_INTERCEPTION" -> "behind TLS interception — a DPI proxy on their network";
      default -> "with cause " + cause;
    };
  }

  static String hint(String cause) {
    if (cause == null) {
      return "Many devices of one fleet fail the same way at once: look for what they share (network, release, power).";
    }
    return switch (cause) {
      case "CLOCK_SKEW" -> "Ask the network's owner to allow NTP (UDP port 123) out, or set local NTP servers in config.json (ntpServers).";
      case "DNS" -> "Ask the network's owner to allow DNS (UDP/TCP 53) or set working dnsServers in config.json.";
      case "TLS_INTERCEPTION" -> "Get the DPI proxy's CA certificate and add it as balenaRootCA in config.json, or whitelist balena's endpoints.";
      default -> "Many devices of one fleet fail the same way at once: look for what they share.";
    };
  }
}
