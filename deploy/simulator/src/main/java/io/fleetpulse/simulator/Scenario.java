package io.fleetpulse.simulator;

import java.time.Duration;
import java.time.Instant;

/**
 * The failure exercises of balena's Device Debugging Masterclass, replayed on a simulated device:
 * each writes the journal lines (and disk samples) the real failure produces, second by second from
 * its start, and names the alert fleetpulse should raise for it.
 */
enum Scenario {

  /** Masterclass 2.1: {@code kill -9} of balenad, twice. */
  ENGINE_SIGKILL("CRASHLOOP", null) {
    @Override
    void play(SimulatedDevice device, long second, Instant now, DiskSink disks) {
      if (second == 0 || second == 25) {
        int counter = second == 0 ? 1 : 2;
        device.write(now, JournalLine.systemd("balena.service", "balena.service: Main process exited, code=killed, status=9/KILL"));
        device.write(now, JournalLine.systemd("balena.service", "balena.service: Failed with result 'signal'."));
        device.write(now, JournalLine.systemd("balena.service", "balena.service: Scheduled restart job, restart counter is at " + counter + "."));
        device.write(now, JournalLine.service("balena.service", "balenad", 9100 + counter, "time=\"" + now + "\" level=warning msg=\"Running experimental build\""));
      }
    }
  },

  /** Masterclass 6.1: the clock set back to 2017 breaks the VPN's and the supervisor's TLS; chrony recovers it. */
  CLOCK_2017("VPN_TLS_FAILURE", "CLOCK_SKEW") {
    @Override
    void play(SimulatedDevice device, long second, Instant now, DiskSink disks) {
      clockBack(device, second, now);
      if (second == 240) {
        String wrongBy = device.clockError().negated().getSeconds() + ".073647";
        device.write(now, JournalLine.service("chronyd.service", "chronyd", 702, "Selected source 85.199.214.100"));
        device.write(now, JournalLine.warning("chronyd.service", "chronyd", 702, "System clock wrong by " + wrongBy + " seconds, adjustment started"));
        device.write(now, JournalLine.warning("chronyd.service", "chronyd", 702, "System clock was stepped by " + wrongBy + " seconds"));
        device.setClockError(Duration.ZERO);
        device.write(now, JournalLine.service("openvpn.service", "openvpn", 1402, "Initialization Sequence Completed"));
      }
    }
  },

  /** Masterclass 6.2: dnsmasq lost its upstream servers; every name lookup fails. */
  BROKEN_DNS("DNS_FAILURE", null) {
    @Override
    void play(SimulatedDevice device, long second, Instant now, DiskSink disks) {
      if (second == 0) {
        device.write(now, JournalLine.warning("dnsmasq.service", "dnsmasq", 762, "failed to access /etc/resolv.dnsmasq: No such file or directory"));
      }
      if (second % 10 == 2 && second < 120) {
        device.write(now, JournalLine.warning("openvpn.service", "openvpn", 1402,
            "RESOLVE: Cannot resolve host address: vpn.balena-cloud.com:443 (Temporary failure in name resolution)"));
        device.write(now, JournalLine.warning("balena-supervisor.service", "balena-supervisor", 1184,
            "[error]   Failed to get target state for device: Error: getaddrinfo EAI_AGAIN api.balena-cloud.com api.balena-cloud.com:443"));
      }
    }
  },

  /** Masterclass 6.3: a firewall doing TLS inspection re-signs the VPN's certificate with its own CA. */
  TLS_INTERCEPTION("VPN_TLS_FAILURE", "TLS_INTERCEPTION") {
    @Override
    void play(SimulatedDevice device, long second, Instant now, DiskSink disks) {
      if (second % 15 == 3 && second < 120) {
        vpnHandshakeFails(device, now,
            "VERIFY ERROR: depth=2, error=unable to get local issuer certificate: C=US, O=Example Corp, CN=Example Corp Inspection CA");
      }
    }
  },

  /** The data partition fills steadily: six hours of df samples (sent as a backfill) and one a minute after. */
  DISK_FILLING("DISK_FILLING", null) {
    @Override
    void play(SimulatedDevice device, long second, Instant now, DiskSink disks) {
      long growthPerHour = 900_000_000L;
      if (second == 0) {
        device.diskUsedBytes = device.diskSizeBytes - 6_500_000_000L;
        for (int minutes = 360; minutes > 0; minutes -= 10) {
          disks.sample(device, "/mnt/data", device.diskUsedBytes - growthPerHour * minutes / 60, now.minus(Duration.ofMinutes(minutes)));
        }
      }
      if (second % 60 == 0) {
        device.diskUsedBytes = Math.min(device.diskSizeBytes, device.diskUsedBytes + growthPerHour / 60);
        disks.sample(device, "/mnt/data", device.diskUsedBytes, now);
      }
    }
  },

  /** The engine cannot write: Go's lower-case "no space left on device". */
  NO_SPACE("DISK_FULL", null) {
    @Override
    void play(SimulatedDevice device, long second, Instant now, DiskSink disks) {
      if (second == 0 || second == 30) {
        device.write(now, JournalLine.warning("balena.service", "balenad", 812, "time=\"" + now + "\" level=error msg=\"Handler for POST "
            + "/containers/create returned error: write /var/lib/docker/tmp/GetImageBlob123: no space left on device\""));
      }
    }
  },

  /** A weak power supply on a Raspberry Pi. */
  UNDER_VOLTAGE("UNDER_VOLTAGE", null) {
    @Override
    void play(SimulatedDevice device, long second, Instant now, DiskSink disks) {
      if (second % 20 == 0 && second <= 60) {
        device.write(now, JournalLine.kernel(2, "Under-voltage detected! (0x00050005)"));
      }
    }
  },

  /** A failing SD card: MMC timeouts, I/O errors, a corrupt filesystem. */
  SD_CARD_ERRORS("STORAGE_ERRORS", null) {
    @Override
    void play(SimulatedDevice device, long second, Instant now, DiskSink disks) {
      if (second == 0) {
        device.write(now, JournalLine.kernel(3, "mmc0: Timeout waiting for hardware interrupt."));
        device.write(now, JournalLine.kernel(3, "blk_update_request: I/O error, dev mmcblk0, sector 1234567"));
        device.write(now, JournalLine.kernel(2, "EXT4-fs error (device mmcblk0p6): ext4_find_entry:1455: inode #2: comm balenad: reading directory lblock 0"));
      }
    }
  },

  /** An application leaks memory until the kernel's OOM killer stops it. */
  OOM("OOM_KILL", null) {
    @Override
    void play(SimulatedDevice device, long second, Instant now, DiskSink disks) {
      if (second == 0) {
        device.write(now, JournalLine.kernel(3, "Out of memory: Killed process 2041 (node) total-vm:1048576kB, anon-rss:524288kB, "
            + "file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1024kB oom_score_adj:0"));
      }
    }
  },

  /** A network blocking NTP: clocks fall back to 2017 on a third of one fleet, and nobody fixes them. */
  NTP_BLOCKED("FLEET_INCIDENT", "CLOCK_SKEW") {
    @Override
    void play(SimulatedDevice device, long second, Instant now, DiskSink disks) {
      clockBack(device, second, now);
    }
  };

  /** Receives disk samples a scenario takes. */
  interface DiskSink {
    void sample(SimulatedDevice device, String mount, long usedBytes, Instant at);
  }

  private final String alertKind;
  private final String cause;

  Scenario(String alertKind, String cause) {
    this.alertKind = alertKind;
    this.cause = cause;
  }

  /** The alert kind fleetpulse should raise for this scenario (for NTP_BLOCKED, the fleet's incident). */
  String alertKind() {
    return alertKind;
  }

  /** The cause that alert should name, or null when its kind has no cause. */
  String cause() {
    return cause;
  }

  /** Writes what happens {@code second} seconds into the scenario. */
  abstract void play(SimulatedDevice device, long second, Instant now, DiskSink disks);

  /** OpenVPN's three lines for a server certificate it refuses, after the given VERIFY ERROR. */
  private static void vpnHandshakeFails(SimulatedDevice device, Instant now, String verifyError) {
    device.write(now, JournalLine.warning("openvpn.service", "openvpn", 1402, verifyError));
    device.write(now, JournalLine.warning("openvpn.service", "openvpn", 1402,
        "OpenSSL: error:1416F086:SSL routines:tls_process_server_certificate:certificate verify failed"));
    device.write(now, JournalLine.warning("openvpn.service", "openvpn", 1402, "TLS Error: TLS handshake failed"));
  }

  /** The clock reset to 2017 and its TLS consequences, as the masterclass shows them. */
  private static void clockBack(SimulatedDevice device, long second, Instant now) {
    if (second == 0) {
      device.setClockError(Duration.between(now, Instant.parse("2017-03-01T10:00:00Z")));
    }
    if (second % 10 == 2 && second < 200) {
      vpnHandshakeFails(device, now,
          "VERIFY ERROR: depth=1, error=certificate is not yet valid: C=US, ST=WA, L=Seattle, O=balena.io, OU=balena.io, CN=open.balena.io");
      device.write(now, JournalLine.warning("openvpn.service", "openvpn", 1402, "SIGUSR1[soft,tls-error] received, process restarting"));
    }
    if (second % 30 == 5 && second < 200) {
      device.write(now, JournalLine.warning("balena-supervisor.service", "balena-supervisor", 1184,
          "[error]   Failed to get target state for device: Error: certificate is not yet valid"));
    }
  }
}
