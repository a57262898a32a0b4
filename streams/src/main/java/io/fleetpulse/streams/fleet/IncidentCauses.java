package io.fleetpulse.streams.fleet;

import io.fleetpulse.schemas.AlertKind;
import java.util.Locale;

/**
 * How a fleet incident names its dominant cause in words, and the first thing to do about it fleet-wide: by
 * cause where the devices' journals tell it, else by what fails (the masterclass's first step for one device,
 * then what many devices of one fleet may share). Never a bare enum name.
 */
final class IncidentCauses {

  private IncidentCauses() {}

  /** Follows "N of M devices in fleet F: <what fails>, K ". */
  static String explain(String cause) {
    return switch (cause) {
      case "CLOCK_SKEW" -> "with backward clock jumps — NTP likely blocked on their network";
      case "DNS" -> "with failing name resolution — DNS likely blocked or broken on their network";
      case "TLS_INTERCEPTION" -> "behind TLS interception — a DPI proxy on their network";
      case "UNKNOWN" -> "for a reason their journals do not show (not the clock, not TLS interception)";
      default -> "with cause " + cause.toLowerCase(Locale.ROOT).replace('_', ' ');
    };
  }

  /** The first step for the fleet: by the dominant cause when known, else by the kind of failure. */
  static String hint(AlertKind kind, String cause) {
    if (cause != null) {
      switch (cause) {
        case "CLOCK_SKEW" -> {
          return "Ask the network's owner to allow NTP (UDP port 123) out, or set local NTP servers in config.json (ntpServers).";
        }
        case "DNS" -> {
          return "Ask the network's owner to allow DNS (UDP/TCP 53) or set working dnsServers in config.json.";
        }
        case "TLS_INTERCEPTION" -> {
          return "Get the DPI proxy's CA certificate and add it as balenaRootCA in config.json, or whitelist balena's endpoints.";
        }
        default -> {
          // No cause-specific step: the kind's below.
        }
      }
    }
    return switch (kind) {
      case VPN_TLS_FAILURE -> "On one device, `journalctl -u openvpn -n 100` for the TLS error and `curl -v https://api.balena-cloud.com/ping` "
          + "for what answers instead; then compare their networks: a proxy, firewall or captive portal they share.";
      case DNS_FAILURE -> "On one device, `cat /etc/resolv.conf` and `nslookup api.balena-cloud.com`; then ask their network's owner "
          + "whether DNS is filtered, or set dnsServers in config.json.";
      case CRASHLOOP -> "On one device, `journalctl -u balena -n 200` for why the engine died (OOM, a full disk, storage errors); "
          + "if they all run the same release, look at that release first.";
      case TIME_JUMP -> "On one device, `timedatectl` and `journalctl -u chronyd`: the clock must be synced before the VPN and the "
          + "registry trust it; check NTP (UDP 123) on their network.";
      case DISK_FILLING, DISK_FULL -> "On one device, `df -h /mnt/data` and `balena system df`: a release writing logs or volumes "
          + "without bound is the usual shared cause; clean up with `balena image prune -a` once found.";
      case UNDER_VOLTAGE -> "Their power supplies sag: check the supply model and cables they share (5.1 V, 3 A for a Raspberry Pi 4) "
          + "and peripherals drawing from the same supply.";
      case STORAGE_ERRORS -> "On one device, `dmesg | grep -i mmc` for the card errors; many at once points at one batch of SD "
          + "cards or at power loss during writes.";
      case OOM_KILL -> "On one device, `journalctl -k | grep -i oom` for what was killed; a release using more memory than the "
          + "devices have is the usual shared cause.";
      case CPU_THROTTLING -> "Their boards run hot: check enclosures and ambient temperature they share (`vcgencmd get_throttled`).";
      case SUPERVISOR_UNHEALTHY -> "On one device, `journalctl -u balena-supervisor -n 200`; a supervisor release or an API it "
          + "cannot reach is the usual shared cause.";
      case DEVICE_UNREACHABLE -> "Many devices gone at once: their network, modem firmware or power is the usual shared cause; "
          + "check the site before the devices.";
      case OS_ROLLBACK -> "Many devices rolled their host OS update back: stop the update; on one device, `journalctl -b -1` "
          + "shows why the new OS failed its health checks (often a service it no longer starts, or a full data partition).";
      default -> "Many devices of one fleet fail the same way at once: look for what they share (network, release, power).";
    };
  }
}
