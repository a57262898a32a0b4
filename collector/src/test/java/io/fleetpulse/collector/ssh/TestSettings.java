package io.fleetpulse.collector.ssh;

import io.fleetpulse.collector.journal.JournalLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** SSH collector settings for tests: fast backoff and reloads, small flow-control limits so streams commit in many transactions. */
final class TestSettings {

  private TestSettings() {}

  static SshTailSettings settings(Path inventory, Path knownHosts, String bootstrap, String journalctl, StartPosition start,
      boolean trustOnFirstUse, String transactionalId, int inFlightBytesPerSession) {
    return new SshTailSettings(inventory, knownHosts, trustOnFirstUse, journalctl, start, List.of("/", "/nonexistent-mount"),
        Duration.ofSeconds(1), Duration.ofSeconds(5), new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)),
        Duration.ofMillis(200), bootstrap, transactionalId, JournalLimits.DEFAULT, inFlightBytesPerSession, 8L * 1024 * 1024, Map.of());
  }

  /** {@code settings} with another backoff: the production one, to show what does not wait for it. */
  static SshTailSettings withBackoff(SshTailSettings settings, Backoff backoff) {
    return new SshTailSettings(settings.inventoryFile(), settings.knownHosts(), settings.trustOnFirstUse(), settings.journalctl(),
        settings.startPosition(), settings.diskMounts(), settings.diskInterval(), settings.statusInterval(), backoff,
        settings.inventoryReload(), settings.bootstrapServers(), settings.transactionalId(), settings.limits(),
        settings.maxInFlightBytesPerSession(), settings.maxPendingBytes(), settings.producerOverrides());
  }
}
