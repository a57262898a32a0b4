package io.fleetpulse.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetpulse.collector.ssh.SshTailSettings;
import io.fleetpulse.collector.ssh.StartPosition;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SshCollectorConfigTest {

  private static FleetpulseConfig load(String... flags) {
    return new ConfigLoader().load(null, Map.of("FLEETPULSE_COLLECTOR_SSH_INVENTORY", "/etc/fleetpulse/devices.yaml"), List.of(flags));
  }

  @Test
  void defaultsAreStrictHostKeysFromNowAndBalenaOsMounts() {
    SshTailSettings settings = SshCollectorConfig.settings(load("dataDir=/var/lib/fleetpulse"), "localhost:9092");
    assertThat(settings.inventoryFile()).isEqualTo(Path.of("/etc/fleetpulse/devices.yaml"));
    assertThat(settings.knownHosts()).isEqualTo(Path.of("/var/lib/fleetpulse/known_hosts"));
    assertThat(settings.trustOnFirstUse()).isFalse();
    assertThat(settings.startPosition()).isEqualTo(StartPosition.NOW);
    assertThat(settings.diskMounts()).containsExactly("/mnt/data", "/mnt/state");
    assertThat(settings.journalctl()).isEqualTo("journalctl");
  }

  @Test
  void everySshSettingCanBeChanged() {
    SshTailSettings settings = SshCollectorConfig.settings(load("collector.ssh.hostKeyPolicy=trust-on-first-use",
        "collector.ssh.startPosition=all", "collector.ssh.diskMounts=/mnt/data, /", "collector.ssh.knownHosts=/etc/ssh/fleet_known_hosts",
        "collector.ssh.journalctl=journalctl --directory=/var/log/journal"), "localhost:9092");
    assertThat(settings.trustOnFirstUse()).isTrue();
    assertThat(settings.startPosition()).isEqualTo(StartPosition.ALL);
    assertThat(settings.diskMounts()).containsExactly("/mnt/data", "/");
    assertThat(settings.knownHosts()).isEqualTo(Path.of("/etc/ssh/fleet_known_hosts"));
  }

  @Test
  void badValuesAreRefusedByKey() {
    assertThatThrownBy(() -> SshCollectorConfig.settings(load("collector.ssh.hostKeyPolicy=accept-all"), "k"))
        .hasMessageContaining("collector.ssh.hostKeyPolicy");
    assertThatThrownBy(() -> SshCollectorConfig.settings(load("collector.ssh.startPosition=yesterday"), "k"))
        .hasMessageContaining("collector.ssh.startPosition");
    assertThatThrownBy(() -> SshCollectorConfig.settings(load("collector.ssh.journalctl=journalctl --vacuum-time=1s"), "k"))
        .hasMessageContaining("collector.ssh").hasMessageContaining("not allowed");
  }
}
