package io.fleetpulse.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * A day in the life of a healthy balenaOS fleet, as its journals tell it: what must raise nothing (issue 30). Every
 * line is one balenaOS, systemd, chrony, OpenVPN, NetworkManager or the kernel prints; each device's schedule comes
 * from its seed. Each device, every day:
 * <ul>
 *   <li>the supervisor's health checks and the app's chatter, every two minutes;</li>
 *   <li>a clean reboot without a real-time clock: it boots at the time fake-hwclock last saved (5–55 minutes behind),
 *       and chrony steps the clock forward 25 s after boot;</li>
 *   <li>a release update: the supervisor downloads the image, stops the old container and starts the new one;</li>
 *   <li>NetworkManager's hourly DHCP renewals and one Wi-Fi link flap;</li>
 *   <li>OpenVPN's ping-restart every six hours (the server went quiet; it reconnects);</li>
 *   <li>chrony selecting sources and slewing small offsets, hourly; journald rotating its files;</li>
 *   <li>benign kernel lines (SD card detected, ext4 mounted, Wi-Fi power save) at boot;</li>
 *   <li>one DNS blip (a single failed lookup of the API) and one TLS blip (one failed handshake, then connected);</li>
 *   <li>a clean exit of a user service, restarted by systemd; its data partition growing 1 MB an hour (df every 10
 *       minutes).</li>
 * </ul>
 * The periodic happenings go on after the day; the others happen once, within it. A device's day starts at its
 * first tick.
 */
final class BenignDay implements Traffic {

  private static final long DISK_GROWTH_PER_SECOND = 1_000_000 / 3600;
  /** Off between shutting down and booting again. */
  private static final Duration OFF = Duration.ofSeconds(40);

  private final Duration length;
  private final Map<SimulatedDevice, DevicePlan> plans = new IdentityHashMap<>();

  BenignDay(Duration length) {
    this.length = length;
  }

  @Override
  public void tick(SimulatedDevice device, Instant now) {
    plans.computeIfAbsent(device, started -> new DevicePlan(started, now, length)).playUntil(now);
    device.diskUsedBytes = Math.min(device.diskSizeBytes, device.diskUsedBytes + DISK_GROWTH_PER_SECOND);
  }

  /** One device's day: what it logs when, in time order. */
  private static final class DevicePlan {

    /** A line or a happening due at {@code at}; periodic ones come back {@code every} later. */
    private record Planned(Instant at, long order, Duration every, Consumer<Instant> happen) {}

    private final SimulatedDevice device;
    private final Instant start;
    private final Duration length;
    private final PriorityQueue<Planned> due = new PriorityQueue<>(Comparator.comparing(Planned::at).thenComparingLong(Planned::order));
    private long order;

    DevicePlan(SimulatedDevice device, Instant start, Duration length) {
      this.device = device;
      this.start = start;
      this.length = length;
      every(Duration.ofMinutes(2), this::routine);
      every(Duration.ofHours(1), this::dhcpRenewal);
      every(Duration.ofHours(1), this::chronySlew);
      every(Duration.ofHours(6), this::vpnPingRestart);
      releaseUpdate(at(0.1, 0.25));
      journaldRotation(at(0.4, 0.6));
      rebootWithoutRtc(at(0.3, 0.7));
      linkFlap(at(0.75, 0.9));
      dnsBlip(at(0.05, 0.95));
      tlsBlip(at(0.05, 0.95));
      userServiceExit(at(0.05, 0.95));
    }

    /** Writes what was due up to {@code now}; nothing while the device is off. */
    void playUntil(Instant now) {
      while (!due.isEmpty() && !due.peek().at().isAfter(now)) {
        Planned next = due.poll();
        if (next.every() != null) {
          due.add(new Planned(next.at().plus(next.every()), order++, next.every(), next.happen()));
        }
        if (!device.isOff(next.at())) {
          next.happen().accept(next.at());
        }
      }
    }

    private void routine(Instant t) {
      if (device.random.nextBoolean()) {
        once(t, JournalLine.service("balena-supervisor.service", "balena-supervisor", 1184,
            String.format("[api]     GET /v1/healthy 200 - %.3f ms", 4 + device.random.nextDouble() * 10)));
      } else {
        once(t, JournalLine.service("balena.service", "a1b2c3d4e5f6", 2041, "uploaded 12 readings to the cloud"));
      }
    }

    private void dhcpRenewal(Instant t) {
      long seconds = device.deviceClock(t).getEpochSecond();
      once(t, networkManager("<info>  [" + seconds + ".4816] dhcp4 (wlan0): state changed bound -> bound"));
      once(t.plusMillis(20), networkManager("<info>  [" + seconds + ".4829] dhcp4 (wlan0):   address 192.168.1.57"));
    }

    private void chronySlew(Instant t) {
      once(t, chrony("Selected source 162.159.200.1"));
      once(t.plusSeconds(64), chrony(String.format("System clock wrong by %.6f seconds, adjustment started",
          device.random.nextDouble() * 0.02 - 0.01)));
    }

    private void vpnPingRestart(Instant t) {
      once(t, openvpn("[vpn.balena-cloud.com] Inactivity timeout (--ping-restart), restarting"));
      once(t.plusMillis(3), openvpn("SIGUSR1[soft,ping-restart] received, process restarting"));
      once(t.plusSeconds(5), openvpn("TCP/UDP: Preserving recently used remote address: [AF_INET]3.221.191.114:443"));
      once(t.plusSeconds(7), openvpn("Initialization Sequence Completed"));
    }

    private void journaldRotation(Instant t) {
      String file = "/var/log/journal/b9ccd869194e4f1381c06967f99b0265/system.journal";
      once(t, journald("Data hash table of " + file
          + " has a fill level at 75.0 (4474 of 5965 items, 2097152 file size, 468 bytes per hash table item), suggesting rotation."));
      once(t.plusMillis(2), journald(file + ": Journal header limits reached or header out-of-date, rotating."));
    }

    private void releaseUpdate(Instant t) {
      String image = "registry2.balena-cloud.com/v2/8f2b0a36a7e1c3f6d9e4b5a2c1d0e9f8@sha256:" + SimulatedDevice.hex(device.random, 64);
      String service = "{\"service\":{\"appId\":1627571,\"serviceName\":\"main\"}}";
      once(t, supervisor("[event]   Event: Image download {\"image\":{\"name\":\"" + image + "\"}}"));
      once(t.plusSeconds(95), supervisor("[event]   Event: Image downloaded {\"image\":{\"name\":\"" + image + "\"}}"));
      once(t.plusSeconds(96), supervisor("[event]   Event: Service kill " + service));
      plan(t.plusSeconds(98), null, at -> device.write(at, JournalLine.service("balena.service", "balenad", 812, "time=\""
          + device.deviceClock(at) + "\" level=info msg=\"ignoring event\" container=3f6d9e4b5a2c module=libcontainerd namespace=moby "
          + "topic=/tasks/delete type=\"*events.TaskDelete\"")));
      once(t.plusSeconds(99), supervisor("[event]   Event: Service exit " + service));
      once(t.plusSeconds(101), supervisor("[event]   Event: Service install " + service));
      once(t.plusSeconds(103), supervisor("[event]   Event: Service started " + service));
    }

    private void linkFlap(Instant t) {
      long seconds = device.deviceClock(t).getEpochSecond();
      once(t, networkManager("<info>  [" + seconds
          + ".1102] device (wlan0): state change: activated -> unavailable (reason 'supplicant-timeout', sys-iface-state: 'managed')"));
      once(t.plusSeconds(12), networkManager("<info>  [" + (seconds + 12)
          + ".3011] device (wlan0): state change: ip-config -> ip-check (reason 'none', sys-iface-state: 'managed')"));
      once(t.plusSeconds(12), JournalLine.kernel(6, "IPv6: ADDRCONF(NETDEV_CHANGE): wlan0: link becomes ready"));
      once(t.plusSeconds(13), networkManager("<info>  [" + (seconds + 13)
          + ".0042] device (wlan0): state change: secondaries -> activated (reason 'none', sys-iface-state: 'managed')"));
    }

    private void dnsBlip(Instant t) {
      once(t, supervisor("[error]   Failed to get target state for device: Error: getaddrinfo EAI_AGAIN api.balena-cloud.com "
          + "api.balena-cloud.com:443"));
    }

    private void tlsBlip(Instant t) {
      once(t, openvpn("TLS Error: TLS handshake failed"));
      once(t.plusMillis(4), openvpn("SIGUSR1[soft,tls-error] received, process restarting"));
      once(t.plusSeconds(5), openvpn("Initialization Sequence Completed"));
    }

    private void userServiceExit(Instant t) {
      once(t, JournalLine.systemd("myapp.service", "myapp.service: Main process exited, code=exited, status=0/SUCCESS"));
      once(t.plusMillis(5), JournalLine.systemd("myapp.service", "myapp.service: Succeeded."));
      once(t.plusSeconds(10), JournalLine.systemd("myapp.service", "myapp.service: Scheduled restart job, restart counter is at 1."));
    }

    /**
     * A clean reboot of a Raspberry Pi: no real-time clock, so it boots at the time fake-hwclock last saved, and
     * chrony steps the clock forward once it reaches an NTP server.
     */
    private void rebootWithoutRtc(Instant t) {
      Instant booted = t.plusSeconds(2).plus(OFF);
      Duration behind = Duration.ofMinutes(5 + device.random.nextInt(50)).plusMillis(device.random.nextInt(1000));
      String wrongBy = String.format("%.6f", behind.toMillis() / 1000.0);
      once(t, JournalLine.systemd("balena.service", "balena.service: Main process exited, code=exited, status=0/SUCCESS"));
      once(t.plusSeconds(1), JournalLine.systemd("balena.service", "balena.service: Succeeded."));
      once(t.plusSeconds(2), journald("Journal stopped"));
      plan(t.plusSeconds(2), null, at -> device.reboot(booted, behind));
      once(booted, JournalLine.kernel(6, "Booting Linux on physical CPU 0x0"));
      once(booted.plusMillis(1800), JournalLine.kernel(6, "mmc0: new high speed SDHC card at address aaaa"));
      once(booted.plusMillis(2400), JournalLine.kernel(6, "EXT4-fs (mmcblk0p6): mounted filesystem with ordered data mode. Opts: (null)"));
      once(booted.plusSeconds(3), journald("Journal started"));
      once(booted.plusSeconds(9), JournalLine.kernel(6, "brcmfmac: brcmf_cfg80211_set_power_mgmt: power save enabled"));
      once(booted.plusSeconds(24), chrony("Selected source 85.199.214.100"));
      once(booted.plusMillis(24_500), chrony("System clock wrong by " + wrongBy + " seconds, adjustment started"));
      plan(booted.plusSeconds(25), null, at -> {
        device.setClockError(Duration.ZERO);
        device.write(at, chrony("System clock was stepped by " + wrongBy + " seconds"));
      });
      once(booted.plusSeconds(40), openvpn("Initialization Sequence Completed"));
    }

    private JournalLine supervisor(String message) {
      return JournalLine.service("balena-supervisor.service", "balena-supervisor", 1184, message);
    }

    private static JournalLine networkManager(String message) {
      return JournalLine.service("NetworkManager.service", "NetworkManager", 690, message);
    }

    private static JournalLine chrony(String message) {
      return JournalLine.service("chronyd.service", "chronyd", 702, message);
    }

    private static JournalLine openvpn(String message) {
      return JournalLine.service("openvpn.service", "openvpn", 755, message);
    }

    private static JournalLine journald(String message) {
      return JournalLine.service("systemd-journald.service", "systemd-journald", 391, message);
    }

    /** A periodic happening, first at a random moment of its first period. */
    private void every(Duration period, Consumer<Instant> happen) {
      plan(start.plusMillis(device.random.nextLong(period.toMillis())), period, happen);
    }

    /** One line at {@code at}. */
    private void once(Instant at, JournalLine line) {
      plan(at, null, when -> device.write(when, line));
    }

    private void plan(Instant at, Duration every, Consumer<Instant> happen) {
      due.add(new Planned(at, order++, every, happen));
    }

    /** A moment between the two fractions of the day. */
    private Instant at(double from, double to) {
      long span = length.toSeconds();
      return start.plusSeconds((long) (span * (from + device.random.nextDouble() * (to - from))));
    }
  }
}
