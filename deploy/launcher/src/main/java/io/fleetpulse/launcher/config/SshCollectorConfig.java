package io.fleetpulse.launcher.config;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.ssh.RemoteCommands;
import io.fleetpulse.collector.ssh.SshTailSettings;
import io.fleetpulse.collector.ssh.StartPosition;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns the {@code collector.ssh.*} settings into the SSH collector's, refusing bad values by key. */
public final class SshCollectorConfig {

  private SshCollectorConfig() {}

  public static SshTailSettings settings(FleetpulseConfig config, String bootstrap) {
    FleetpulseConfig.Ssh ssh = config.collector().ssh();
    FleetpulseConfig.Limits limits = config.collector().limits();
    boolean trustOnFirstUse = switch (ssh.hostKeyPolicy()) {
      case "strict" -> false;
      case "trust-on-first-use" -> true;
      default -> throw new ConfigException("collector.ssh.hostKeyPolicy must be strict or trust-on-first-use, got '" + ssh.hostKeyPolicy() + "'");
    };
    StartPosition start;
    try {
      start = StartPosition.valueOf(ssh.startPosition().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("collector.ssh.startPosition must be now or all, got '" + ssh.startPosition() + "'");
    }
    List<String> mounts = Arrays.stream(ssh.diskMounts().split(",")).map(String::strip).filter(mount -> !mount.isEmpty()).toList();
    Path knownHosts = ssh.knownHosts().isBlank() ? Path.of(config.dataDir(), "known_hosts") : Path.of(ssh.knownHosts());
    SshTailSettings defaults = SshTailSettings.of(Path.of(ssh.inventory()), knownHosts, bootstrap);
    try {
      SshTailSettings settings = new SshTailSettings(defaults.inventoryFile(), knownHosts, trustOnFirstUse, ssh.journalctl(), start, mounts,
          defaults.diskInterval(), defaults.statusInterval(), defaults.backoff(), defaults.inventoryReload(), bootstrap, ssh.transactionalId(),
          new JournalLimits(limits.maxFieldBytes(), limits.maxEntryBytes(), limits.maxFieldsPerEntry(), limits.maxRequestBytes()),
          defaults.maxInFlightBytesPerSession(), defaults.maxPendingBytes(), Map.of());
      new RemoteCommands(settings.journalctl(), settings.diskMounts()); // refuses a disallowed journalctl or mount now, by key
      return settings;
    } catch (IllegalArgumentException e) {
      throw new ConfigException("collector.ssh: " + e.getMessage(), e);
    }
  }
}
