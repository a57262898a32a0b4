package io.fleetpulse.streams;

import io.fleetpulse.schemas.DiskSample;
import io.fleetpulse.schemas.JournalEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A day in the life of a healthy balenaOS device, as its journal and df tell it: what a fleet logs that must raise
 * nothing (issue 30). Every line is one balenaOS, systemd, chrony, OpenVPN, NetworkManager or the kernel prints;
 * the schedule and counts come from the seed. Kinds of benign happening, each at least once a day per device:
 * <ul>
 *   <li>the supervisor's health checks and the app's chatter, every two minutes;</li>
 *   <li>a clean reboot of a device without a real-time clock: it boots at the time fake-hwclock last saved (5–55
 *       minutes behind), and chrony steps the clock forward 25 s after boot;</li>
 *   <li>a release update: the supervisor downloads the image, stops the old container and starts the new one;</li>
 *   <li>NetworkManager's hourly DHCP renewals and one Wi-Fi link flap;</li>
 *   <li>OpenVPN's ping-restart every six hours (the server went quiet; it reconnects);</li>
 *   <li>chrony selecting sources and slewing small offsets; journald rotating its files;</li>
 *   <li>benign kernel lines (SD card detected, ext4 mounted, Wi-Fi power save);</li>
 *   <li>one DNS blip (a single failed lookup of the API) and one TLS blip (one failed handshake, then connected);</li>
 *   <li>a clean exit of a user service, restarted by systemd; df every 10 minutes, 60 % full, growing 1 MB/h.</li>
 * </ul>
 * Devices push what they log a second later, as a connected device's journal upload does.
 */
public final class BenignFleetDay {

  /** What one device logged and sampled, in time order; {@link #at} is when it happened (true time). */
  public record Happening(Instant at, JournalEntry entry, DiskSample disk) {}

  private static final long DISK_SIZE = 16_000_000_000L;

  private BenignFleetDay() {}

  /** The day of {@code devices} devices of {@code fleet} from {@code start}, all in time order. */
  public static List<Happening> of(String fleet, int devices, Instant start, Duration length, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Happening> all = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      all.addAll(new DeviceDay(String.format("bd%030x", i), fleet, start, length, random.split()).happenings());
    }
    all.sort(Comparator.comparing(Happening::at));
    return all;
  }

  /** One device's day; its clock, boot and journal sequence as it lives through it. */
  private static final class DeviceDay {
    private final String uuid;
    private final String fleet;
    private final Instant start;
    private final Instant end;
    private final SplittableRandom random;
    private final List<Happening> happenings = new ArrayList<>();
    /** The boot the day starts in, two days old, and the one after the reboot. */
    private final String firstBoot;
    private final String secondBoot;
    private final Instant firstBootAt;
    /** The clean reboot: shut down at {@code rebootAt}, booted {@link #OFF} later, the clock stepped 25 s after. */
    private final Instant rebootAt;
    private final Instant bootedAt;
    private final Instant steppedAt;
    /** How far behind fake-hwclock's last save left the clock at boot. */
    private final Duration behind;
    private long seqnum;

    private static final Duration OFF = Duration.ofSeconds(40);

    DeviceDay(String uuid, String fleet, Instant start, Duration length, SplittableRandom random) {
      this.uuid = uuid;
      this.fleet = fleet;
      this.start = start;
      this.end = start.plus(length);
      this.random = random;
      this.firstBoot = hex(32);
      this.secondBoot = hex(32);
      this.firstBootAt = start.minus(Duration.ofDays(2));
      this.rebootAt = at(0.3, 0.7);
      this.bootedAt = rebootAt.plus(OFF);
      this.steppedAt = bootedAt.plusSeconds(25);
      this.behind = Duration.ofMinutes(5 + random.nextInt(50)).plusMillis(random.nextInt(1000));
    }

    List<Happening> happenings() {
      Instant update = at(0.1, 0.25);
      Instant linkFlap = at(0.75, 0.9);
      Instant dnsBlip = at(0.05, 0.95);
      Instant tlsBlip = at(0.05, 0.95);
      Instant userServiceExit = at(0.05, 0.95);
      for (Instant t = start.plusSeconds(random.nextInt(120)); t.isBefore(end); t = t.plusSeconds(120)) {
        routine(t);
      }
      for (Instant t = start.plusSeconds(random.nextInt(3600)); t.isBefore(end); t = t.plus(Duration.ofHours(1))) {
        dhcpRenewal(t);
        chronySlew(t.plusSeconds(900));
      }
      for (Instant t = start.plusSeconds(random.nextInt(21600)); t.isBefore(end); t = t.plus(Duration.ofHours(6))) {
        vpnPingRestart(t);
      }
      for (Instant t = start.plusSeconds(random.nextInt(600)); t.isBefore(end); t = t.plus(Duration.ofMinutes(10))) {
        double hours = Duration.between(start, t).toSeconds() / 3600.0;
        disk(t, (long) (DISK_SIZE * 0.6 + hours * 1_000_000));
      }
      journaldRotation(at(0.4, 0.6));
      releaseUpdate(update);
      linkFlap(linkFlap);
      dnsBlip(dnsBlip);
      tlsBlip(tlsBlip);
      userServiceExit(userServiceExit);
      rebootWithoutRtc();
      happenings.sort(Comparator.comparing(Happening::at));
      return happenings;
    }

    private void routine(Instant t) {
      if (random.nextBoolean()) {
        log(t, "balena-supervisor.service", "balena-supervisor", 1184, String.format("[api]     GET /v1/healthy 200 - %.3f ms",
            4 + random.nextDouble() * 10));
      } else {
        log(t, "balena.service", "a1b2c3d4e5f6", 2041, "uploaded 12 readings to the cloud");
      }
    }

    private void dhcpRenewal(Instant t) {
      long seconds = deviceClock(t).getEpochSecond();
      log(t, "NetworkManager.service", "NetworkManager", 690, "<info>  [" + seconds + ".4816] dhcp4 (wlan0): state changed bound -> bound");
      log(t.plusMillis(20), "NetworkManager.service", "NetworkManager", 690, "<info>  [" + seconds + ".4829] dhcp4 (wlan0):   address 192.168.1.57");
    }

    private void chronySlew(Instant t) {
      log(t, "chronyd.service", "chronyd", 702, "Selected source 162.159.200.1");
      log(t.plusSeconds(64), "chronyd.service", "chronyd", 702, String.format("System clock wrong by %.6f seconds, adjustment started",
          random.nextDouble() * 0.02 - 0.01));
    }

    private void vpnPingRestart(Instant t) {
      log(t, "openvpn.service", "openvpn", 755, "[vpn.balena-cloud.com] Inactivity timeout (--ping-restart), restarting");
      log(t.plusMillis(3), "openvpn.service", "openvpn", 755, "SIGUSR1[soft,ping-restart] received, process restarting");
      log(t.plusSeconds(5), "openvpn.service", "openvpn", 755, "TCP/UDP: Preserving recently used remote address: [AF_INET]3.221.191.114:443");
      log(t.plusSeconds(7), "openvpn.service", "openvpn", 755, "Initialization Sequence Completed");
    }

    private void journaldRotation(Instant t) {
      String file = "/var/log/journal/b9ccd869194e4f1381c06967f99b0265/system.journal";
      log(t, "systemd-journald.service", "systemd-journald", 391, "Data hash table of " + file
          + " has a fill level at 75.0 (4474 of 5965 items, 2097152 file size, 468 bytes per hash table item), suggesting rotation.");
      log(t.plusMillis(2), "systemd-journald.service", "systemd-journald", 391, file + ": Journal header limits reached or header out-of-date, rotating.");
    }

    private void releaseUpdate(Instant t) {
      String image = "registry2.balena-cloud.com/v2/8f2b0a36a7e1c3f6d9e4b5a2c1d0e9f8@sha256:" + hex(64);
      log(t, "balena-supervisor.service", "balena-supervisor", 1184, "[event]   Event: Image download {\"image\":{\"name\":\"" + image + "\"}}");
      log(t.plusSeconds(95), "balena-supervisor.service", "balena-supervisor", 1184, "[event]   Event: Image downloaded {\"image\":{\"name\":\""
          + image + "\"}}");
      log(t.plusSeconds(96), "balena-supervisor.service", "balena-supervisor", 1184, "[event]   Event: Service kill {\"service\":{\"appId\":1627571,\"serviceName\":\"main\"}}");
      log(t.plusSeconds(98), "balena.service", "balenad", 812, "time=\"" + deviceClock(t.plusSeconds(98))
          + "\" level=info msg=\"ignoring event\" container=3f6d9e4b5a2c module=libcontainerd namespace=moby topic=/tasks/delete type=\"*events.TaskDelete\"");
      log(t.plusSeconds(99), "balena-supervisor.service", "balena-supervisor", 1184, "[event]   Event: Service exit {\"service\":{\"appId\":1627571,\"serviceName\":\"main\"}}");
      log(t.plusSeconds(101), "balena-supervisor.service", "balena-supervisor", 1184, "[event]   Event: Service install {\"service\":{\"appId\":1627571,\"serviceName\":\"main\"}}");
      log(t.plusSeconds(103), "balena-supervisor.service", "balena-supervisor", 1184, "[event]   Event: Service started {\"service\":{\"appId\":1627571,\"serviceName\":\"main\"}}");
    }

    private void linkFlap(Instant t) {
      long seconds = deviceClock(t).getEpochSecond();
      log(t, "NetworkManager.service", "NetworkManager", 690, "<info>  [" + seconds
          + ".1102] device (wlan0): state change: activated -> unavailable (reason 'supplicant-timeout', sys-iface-state: 'managed')");
      log(t.plusSeconds(12), "NetworkManager.service", "NetworkManager", 690, "<info>  [" + (seconds + 12)
          + ".3011] device (wlan0): state change: ip-config -> ip-check (reason 'none', sys-iface-state: 'managed')");
      kernel(t.plusSeconds(12), "IPv6: ADDRCONF(NETDEV_CHANGE): wlan0: link becomes ready");
      log(t.plusSeconds(13), "NetworkManager.service", "NetworkManager", 690, "<info>  [" + (seconds + 13)
          + ".0042] device (wlan0): state change: secondaries -> activated (reason 'none', sys-iface-state: 'managed')");
    }

    private void dnsBlip(Instant t) {
      log(t, "balena-supervisor.service", "balena-supervisor", 1184,
          "[error]   Failed to get target state for device: Error: getaddrinfo EAI_AGAIN api.balena-cloud.com api.balena-cloud.com:443");
    }

    private void tlsBlip(Instant t) {
      log(t, "openvpn.service", "openvpn", 755, "TLS Error: TLS handshake failed");
      log(t.plusMillis(4), "openvpn.service", "openvpn", 755, "SIGUSR1[soft,tls-error] received, process restarting");
      log(t.plusSeconds(5), "openvpn.service", "openvpn", 755, "Initialization Sequence Completed");
    }

    private void userServiceExit(Instant t) {
      systemd(t, "myapp.service", "myapp.service: Main process exited, code=exited, status=0/SUCCESS");
      systemd(t.plusMillis(5), "myapp.service", "myapp.service: Succeeded.");
      systemd(t.plusSeconds(10), "myapp.service", "myapp.service: Scheduled restart job, restart counter is at 1.");
    }

    /**
     * A clean reboot of a Raspberry Pi: no real-time clock, so it boots at the time fake-hwclock last saved, and
     * chrony steps the clock forward once it reaches an NTP server.
     */
    private void rebootWithoutRtc() {
      Instant t = rebootAt;
      systemd(t, "balena.service", "balena.service: Main process exited, code=exited, status=0/SUCCESS");
      systemd(t.plusSeconds(1), "balena.service", "balena.service: Succeeded.");
      log(t.plusSeconds(2), "systemd-journald.service", "systemd-journald", 391, "Journal stopped");
      Instant booted = bootedAt;
      kernel(booted, "Booting Linux on physical CPU 0x0");
      kernel(booted.plusMillis(1800), "mmc0: new high speed SDHC card at address aaaa");
      kernel(booted.plusMillis(2400), "EXT4-fs (mmcblk0p6): mounted filesystem with ordered data mode. Opts: (null)");
      log(booted.plusSeconds(3), "systemd-journald.service", "systemd-journald", 391, "Journal started");
      kernel(booted.plusSeconds(9), "brcmfmac: brcmf_cfg80211_set_power_mgmt: power save enabled");
      log(booted.plusSeconds(24), "chronyd.service", "chronyd", 702, "Selected source 85.199.214.100");
      log(booted.plusSeconds(24).plusMillis(500), "chronyd.service", "chronyd", 702, String.format("System clock wrong by %.6f seconds, adjustment started",
          behind.toMillis() / 1000.0));
      log(steppedAt, "chronyd.service", "chronyd", 702, String.format("System clock was stepped by %.6f seconds", behind.toMillis() / 1000.0));
      log(booted.plusSeconds(40), "openvpn.service", "openvpn", 755, "Initialization Sequence Completed");
    }

    /** The device's own clock at true time {@code t}: behind from the reboot until chrony stepped it. */
    private Instant deviceClock(Instant t) {
      return !t.isBefore(bootedAt) && t.isBefore(steppedAt) ? t.minus(behind) : t;
    }

    private void log(Instant t, String unit, String identifier, int pid, String message) {
      add(t, JournalEntries.service(uuid, unit, identifier, message, t).setPid(pid), unit);
    }

    private void systemd(Instant t, String unit, String message) {
      add(t, JournalEntries.systemd(uuid, unit, message, t), unit);
    }

    private void kernel(Instant t, String message) {
      add(t, JournalEntries.kernel(uuid, message, t), "kernel");
    }

    private void add(Instant t, JournalEntry.Builder entry, String unit) {
      boolean off = t.isAfter(rebootAt.plusSeconds(2)) && t.isBefore(bootedAt);
      if (t.isAfter(end) || off) {
        return;
      }
      boolean rebooted = !t.isBefore(bootedAt);
      long monotonicUs = Duration.between(rebooted ? bootedAt : firstBootAt, t).toNanos() / 1_000;
      happenings.add(new Happening(t, entry.setFleet(fleet).setBootId(rebooted ? secondBoot : firstBoot)
          .setRealtimeUs(deviceClock(t).toEpochMilli() * 1000).setMonotonicUs(monotonicUs).setSeqnum(++seqnum).setReceivedAt(t.plusSeconds(1))
          .build(), null));
    }

    private void disk(Instant t, long used) {
      if (t.isAfter(rebootAt) && t.isBefore(bootedAt.plusSeconds(60))) {
        return; // off, then the agent starts
      }
      happenings.add(new Happening(t, null, DiskSample.newBuilder().setDeviceUuid(uuid).setFleet(fleet).setMount("/mnt/data")
          .setSizeBytes(DISK_SIZE).setUsedBytes(used).setAvailBytes(DISK_SIZE - used).setAt(deviceClock(t)).setReceivedAt(t.plusSeconds(1))
          .setSource("push").build()));
    }

    /** A moment between the two fractions of the day. */
    private Instant at(double from, double to) {
      long span = Duration.between(start, end).toSeconds();
      return start.plusSeconds((long) (span * (from + random.nextDouble() * (to - from))));
    }

    private String hex(int digits) {
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < digits; i++) {
        hex.append(Character.forDigit(random.nextInt(16), 16));
      }
      return hex.toString();
    }
  }
}
