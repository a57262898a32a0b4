package io.fleetpulse.bench;

import io.fleetpulse.schemas.JournalEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Realistic journal traffic for benchmarks: what a fleet of balenaOS devices writes on a normal day
 * (supervisor API polls, engine and container chatter, VPN and chrony status) with about one line in a
 * hundred being one the detectors care about (restarts, DNS and TLS failures, kernel warnings).
 */
final class FleetTraffic {

  private record Line(String unit, String identifier, Integer pid, String transport, String message) {}

  private static final List<Line> NOISE = List.of(
      new Line("balena-supervisor.service", "balena-supervisor", 1783, "syslog", "[api]     GET /v1/healthy 200 - 9.561 ms"),
      new Line("balena-supervisor.service", "balena-supervisor", 1783, "syslog", "[debug]   Attempting container log timestamp flush..."),
      new Line("balena.service", "balenad", 812, "syslog",
          "time=\"2026-11-27T10:35:18.157035456Z\" level=info msg=\"libcontainerd: started new balena-engine-containerd process\" pid=2891"),
      new Line("balena.service", "8794d382f463", 2011, "journal", "GET /api/v1/readings 200 3.241 ms - 1532"),
      new Line("balena.service", "ecb3a4b3a079", 2019, "journal", "> frontend@1.0.0 start /usr/src/app"),
      new Line("openvpn.service", "openvpn", 755, "syslog", "Thu Dec  5 10:43:08 2019 VERIFY OK: depth=1, C=AU, ST=Some-State, O=Internet Widgits Pty Ltd"),
      new Line("chronyd.service", "chronyd", 640, "syslog", "Selected source 85.199.214.100"),
      new Line("NetworkManager.service", "NetworkManager", 701, "syslog", "<info>  [1578913507.2862] dhcp4 (wlan0): state changed bound -> bound"),
      new Line("kernel", "kernel", null, "kernel", "brcmfmac: brcmf_cfg80211_set_power_mgmt: power save enabled"),
      new Line("os-config.service", "os-config", 903, "syslog", "Service configuration retrieved"));

  private static final List<Line> SIGNALS = List.of(
      new Line("balena.service", "systemd", 1, "journal", "balena.service: Main process exited, code=killed, status=9/KILL"),
      new Line("myapp.service", "systemd", 1, "journal", "myapp.service: Main process exited, code=exited, status=0/SUCCESS"),
      new Line("openvpn.service", "openvpn", 755, "syslog",
          "Thu Dec  5 10:42:57 2019 RESOLVE: Cannot resolve host address: vpn.balena-cloud.com:443 (Temporary failure in name resolution)"),
      new Line("kernel", "kernel", null, "kernel", "Under-voltage detected! (0x00050005)"),
      new Line("balena-supervisor.service", "balena-supervisor", 1783, "syslog",
          "[error]   Failed to get target state for device: Error: getaddrinfo EAI_AGAIN api.balena-cloud.com api.balena-cloud.com:443"));

  private final Random random = new Random(42);

  String device(int i) {
    return String.format("%032x", 0xbe0000L + i);
  }

  /** One entry of device {@code i}, its {@code seq}-th, received at {@code at}. */
  JournalEntry entry(int device, long seq, Instant at) {
    Line line = random.nextInt(100) == 0 ? SIGNALS.get(random.nextInt(SIGNALS.size())) : NOISE.get(random.nextInt(NOISE.size()));
    return line(device, seq, at, line);
  }

  /** The engine killed: two of these within 15 minutes make a CRASHLOOP. */
  JournalEntry engineKill(int device, long seq, Instant at) {
    return line(device, seq, at, SIGNALS.get(0));
  }

  private JournalEntry line(int device, long seq, Instant at, Line line) {
    return JournalEntry.newBuilder()
        .setDeviceUuid(device(device))
        .setFleet("fleet-" + (device % 10))
        .setUnit(line.unit())
        .setSyslogIdentifier(line.identifier())
        .setPid(line.pid())
        .setPriority(6)
        .setTransport(line.transport())
        .setBootId("6ce386d4e891e05cda4946fa3e7b2438")
        .setRealtimeUs(at.toEpochMilli() * 1000)
        .setMonotonicUs(at.toEpochMilli() * 1000 - 1_700_000_000_000_000L)
        .setSeqnumId("9c4a0d8f6b2e41f3a8c1d5e7f9b3a2c4")
        .setSeqnum(seq)
        .setCursor("s=9c4a0d8f6b2e41f3a8c1d5e7f9b3a2c4;i=" + Long.toHexString(seq))
        .setHostname("f34c2e9")
        .setMessage(line.message())
        .setFields(Map.of("_SYSTEMD_UNIT", line.unit().equals("kernel") ? "" : line.unit(), "_COMM", line.identifier(),
            "_MACHINE_ID", "b9ccd869194e4f1381c06967f99b0265"))
        .setReceivedAt(at)
        .build();
  }
}
