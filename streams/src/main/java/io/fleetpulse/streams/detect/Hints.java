package io.fleetpulse.streams.detect;

/** The masterclass's advice, per alert kind and cause: what a support engineer would do next. */
final class Hints {

  private Hints() {}

  static final String ENGINE_CRASHLOOP =
      "Read the engine's own log (journalctl -u balena.service -t balenad) around the restarts; check memory (OOM kills), "
          + "the data partition (free space, EXT4 errors) and the engine's watchdog, then systemctl status balena.";
  static final String SUPERVISOR_CRASHLOOP =
      "Read journalctl -u balena-supervisor (resin-supervisor on older OS versions); the supervisor restarts when its "
          + "healthcheck fails, which usually follows the engine, the clock or the network. Do not remove its container by hand.";
  static final String SERVICE_CRASHLOOP =
      "Read the service's logs (journalctl -u balena.service -t <container id>, or balena logs <container>) for why it exits; "
          + "a restart policy hides crashes that the application should report.";
  static final String OS_ROLLBACK =
      "The new host OS failed its health checks or did not boot, and balenaOS put the previous one back "
          + "(/mnt/state/rollback-*-triggered on the device). Read the journal of the failed boot (journalctl -b -1) for why, "
          + "and do not retry the update fleet-wide until one device takes it.";
  static final String CLOCK =
      "Check chronyd (journalctl -u chronyd, chronyc sources/tracking) and that the network lets NTP through: UDP port 123 "
          + "to the NTP pool must not be firewalled. TLS (VPN, API) fails while the clock is wrong.";
  static final String VPN_CLOCK_SKEW =
      "The clock is wrong, so the VPN and API certificates look not yet valid or expired. " + CLOCK;
  static final String VPN_DNS =
      "The VPN cannot resolve its server: fix DNS first (see dnsmasq, /etc/resolv.dnsmasq, UDP 53 through the firewall).";
  static final String VPN_INTERCEPTION =
      "The certificate chain comes from an unknown CA while the clock is fine: a Deep Packet Inspection proxy is re-signing "
          + "TLS. Ask for its CA certificate and add it as balenaRootCA (base64) in config.json, or whitelist the balena endpoints.";
  static final String VPN_UNKNOWN =
      "Check that TCP 443 to the VPN endpoint is allowed (journalctl -u openvpn), that the clock is right and DNS works.";
  static final String DNS =
      "Check dnsmasq (systemctl status dnsmasq, journalctl -u dnsmasq), its upstream list /etc/resolv.dnsmasq, and that UDP/TCP "
          + "port 53 is not firewalled; try the configured nameserver directly.";
  static final String DISK =
      "Find what grows (du -sh /mnt/data/docker/volumes/*, persistent logs, images left behind: balena images, balena system df); "
          + "a full data partition stops the engine and the supervisor.";
  static final String UNDER_VOLTAGE =
      "The power supply sags under load: use a supply rated for the board (5.1 V, 2.5–3 A for a Raspberry Pi) and a short, "
          + "thick cable. Under-voltage corrupts SD cards.";
  static final String THROTTLING =
      "The CPU is throttled by temperature: improve cooling or ventilation, add a heatsink, or reduce the load.";
  static final String STORAGE =
      "The storage medium reports errors: SD cards wear out and corrupt under power loss. Back up what is needed and replace "
          + "the card (industrial-grade media); check dmesg for the failing device.";
  static final String OOM =
      "The kernel killed a process for lack of memory: check the services' memory use (balena stats) and set memory limits.";
  static final String SUPERVISOR =
      "The supervisor cannot fetch its target state or report: check the API connectivity (curl $API_ENDPOINT/ping), DNS and "
          + "the clock; read journalctl -u balena-supervisor.";
  static final String UNREACHABLE =
      "fleetpulse cannot reach the device over SSH: check that it is powered and online, its network, and the SSH key.";
}
