package io.fleetpulse.collector.ssh;

import io.fleetpulse.collector.journal.JournalLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the SSH collector tails devices.
 *
 * @param inventoryFile the device inventory (YAML), re-read every {@code inventoryReload}
 * @param knownHosts OpenSSH known_hosts file every device (or proxy) host key is verified against
 * @param trustOnFirstUse accept and record the key of a host not yet in known_hosts; a changed key is always refused
 * @param journalctl how journalctl is invoked on the devices (only journal-selecting options may be added)
 * @param startPosition where a device without a committed cursor starts
 * @param diskMounts mounts sampled with df every {@code diskInterval}
 * @param statusInterval how often an unchanged device state is written again
 * @param backoff reconnect delays
 * @param transactionalId the Kafka transactional id; one collector instance per id
 * @param maxInFlightBytesPerSession journal bytes of one device read but not yet committed, before its channel is paused
 * @param maxPendingBytes all devices' journal bytes not yet committed, before every channel is paused
 */
public record SshTailSettings(
    Path inventoryFile, Path knownHosts, boolean trustOnFirstUse, String journalctl, StartPosition startPosition,
    List<String> diskMounts, Duration diskInterval, Duration statusInterval, Backoff backoff, Duration inventoryReload,
    String bootstrapServers, String transactionalId, JournalLimits limits,
    int maxInFlightBytesPerSession, long maxPendingBytes, Map<String, Object> producerOverrides) {

  public static final List<String> DEFAULT_MOUNTS = List.of("/mnt/data", "/mnt/state");

  public SshTailSettings {
    diskMounts = List.copyOf(diskMounts);
    producerOverrides = Map.copyOf(producerOverrides);
  }

  /** The defaults for everything but the inventory, known_hosts and Kafka. */
  public static SshTailSettings of(Path inventoryFile, Path knownHosts, String bootstrapServers) {
    return new SshTailSettings(inventoryFile, knownHosts, false, "journalctl", StartPosition.NOW, DEFAULT_MOUNTS,
        Duration.ofSeconds(60), Duration.ofSeconds(60), new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5)),
        Duration.ofSeconds(5), bootstrapServers, "fleetpulse-ssh-collector", JournalLimits.DEFAULT,
        64 * 1024, 64L * 1024 * 1024, Map.of());
  }
}
