package io.fleetpulse.collector.ssh;

import static io.fleetpulse.collector.ssh.OpenSshTailTest.newUuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.ssh.simulated.SimulatedFleet;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.schemas.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slowed broker (a producer byte-rate quota on the collector's client id) against a device that
 * writes its journal as fast as SSH lets it: the collector stops reading instead of buffering, so
 * what the device has sent but Kafka has not committed stays within the SSH window plus the
 * session's in-flight limit.
 */
@ExtendWith(SharedKafkaBroker.class)
class BackpressureTest {

  @TempDir
  Path dir;

  @Test
  void aSlowBrokerPausesReadingInsteadOfFillingMemory(EmbeddedKafkaBroker kafka) throws Exception {
    String clientId = "ssh-backpressure-" + newUuid();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(3, (short) 1).provision(admin);
      ClientQuotaEntity client = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, clientId));
      admin.alterClientQuotas(List.of(new ClientQuotaAlteration(client, List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 20_000.0)))))
          .all().get();
    }
    String uuid = newUuid();
    int inFlightBytes = 32 * 1024;
    try (SimulatedFleet fleet = new SimulatedFleet(dir, 0, true, 0)) {
      Path inventory = Files.writeString(dir.resolve("inventory.yaml"), fleet.inventory(List.of(uuid)));
      Path knownHosts = Files.writeString(dir.resolve("known_hosts"), fleet.knownHostsLine() + "\n");
      SshTailSettings settings = new SshTailSettings(inventory, knownHosts, false, "journalctl", StartPosition.NOW, List.of("/mnt/data"),
          Duration.ofMinutes(10), Duration.ofMinutes(10), new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)), Duration.ofSeconds(1),
          kafka.bootstrapServers(), "ssh-backpressure-" + uuid, JournalLimits.DEFAULT, inFlightBytes, 256 * 1024,
          Map.of(ProducerConfig.CLIENT_ID_CONFIG, clientId, ProducerConfig.COMPRESSION_TYPE_CONFIG, "none"));
      try (SshTailer tailer = new SshTailer(settings, new SimpleMeterRegistry()).start()) {
        SimulatedFleet.Device device = fleet.device(uuid);
        await().atMost(Duration.ofSeconds(30)).until(() -> tailer.entriesCommitted() > 200);
        // SSH window (64 KiB) + one read (16 KiB) + in-flight limit (32 KiB) + one server write (~27 KiB), ~420 bytes per entry
        long bound = (64 + 16 + 32 + 32) * 1024 / 400;
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
            .until(() -> device.entriesSent.get() - (long) tailer.entriesCommitted() <= bound);
        assertThat(tailer.entriesCommitted()).as("still making progress").isGreaterThan(200);
        assertThat(device.entriesSent.get()).as("the device was held back, not drained").isLessThan((long) tailer.entriesCommitted() + bound + 1);
      }
    }
  }
}
