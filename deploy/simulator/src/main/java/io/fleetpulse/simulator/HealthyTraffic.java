package io.fleetpulse.simulator;

import java.time.Instant;

/**
 * What a healthy balenaOS device logs, second by second: the supervisor's health checks, the
 * engine and its containers, chrony, NetworkManager, and now and then a clean service exit (which
 * must never count towards a crash loop).
 */
final class HealthyTraffic implements Traffic {

  private static final String[] APP_LINES = {
      "GET /api/sensors 200 12.401 ms - 231", "sensor temperature=41.2C humidity=38%", "uploaded 12 readings to the cloud",
      "MQTT keepalive ok", "cache hit ratio 0.93"};

  private final double entriesPerSecond;

  HealthyTraffic(double entriesPerSecond) {
    this.entriesPerSecond = entriesPerSecond;
  }

  @Override
  public void tick(SimulatedDevice device, Instant now) {
    int count = (int) entriesPerSecond + (device.random.nextDouble() < entriesPerSecond % 1 ? 1 : 0);
    for (int i = 0; i < count; i++) {
      device.write(now, line(device, now));
    }
  }

  private static JournalLine line(SimulatedDevice device, Instant now) {
    int roll = device.random.nextInt(100);
    if (roll < 30) {
      return JournalLine.service("balena-supervisor.service", "balena-supervisor", 1184,
          String.format("[api]     GET /v1/healthy 200 - %.3f ms", 4 + device.random.nextDouble() * 10));
    }
    if (roll < 50) {
      return JournalLine.service("balena.service", "balenad", 812,
          "time=\"" + device.deviceClock(now) + "\" level=info msg=\"shim balena-engine-containerd-shim started\" address=/containerd-shim/"
              + SimulatedDevice.hex(device.random, 12) + ".sock");
    }
    if (roll < 90) {
      return JournalLine.service("balena.service", "a1b2c3d4e5f6", 2041, APP_LINES[device.random.nextInt(APP_LINES.length)]);
    }
    if (roll < 95) {
      return JournalLine.service("chronyd.service", "chronyd", 702, "Selected source 85.199.214.100");
    }
    if (roll < 99) {
      return JournalLine.service("NetworkManager.service", "NetworkManager", 690,
          "<info>  [" + device.deviceClock(now).getEpochSecond() + ".1234] dhcp4 (wlan0): state changed extended -> extended");
    }
    return JournalLine.systemd("os-config.service", "os-config.service: Main process exited, code=exited, status=0/SUCCESS");
  }
}
