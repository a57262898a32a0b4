package io.fleetpulse.collector.ssh;

import static io.fleetpulse.collector.ssh.OpenSshTailTest.newUuid;
import static io.fleetpulse.collector.ssh.OpenSshTailTest.ofDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.collector.ssh.simulated.SimulatedFleet;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.kafka.TopicReader;
import io.fleetpulse.schemas.ConnectionState;
import io.fleetpulse.schemas.DeviceFacts;
import io.fleetpulse.schemas.DiskSample;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.TopicProvisioner;
import io.fleetpulse.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The SSH collector against an in-process MINA server simulating devices behind balena's proxy. */
@ExtendWith(SharedKafkaBroker.class)
class SimulatedFleetTest {

  @TempDir
  Path dir;

  @BeforeAll
  static void topics(EmbeddedKafkaBroker kafka) throws InterruptedException {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(3, (short) 1).provision(admin);
    }
  }

  @Test
  void tailsAThousandDevicesThroughTheProxyEachEntryExactlyOnce(EmbeddedKafkaBroker kafka) throws Exception {
    int devices = 1000;
    int perDevice = 20;
    List<String> uuids = IntStream.range(0, devices).mapToObj(i -> newUuid()).toList();
    try (SimulatedFleet fleet = new SimulatedFleet(dir, perDevice, false, 0);
         SshTailer tailer = start(fleet, uuids, kafka, StartPosition.ALL, "thousand");
         TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(),
             List.of(Topics.JOURNAL_PREFIX + "balena-supervisor"))) {
      Set<String> wanted = Set.copyOf(uuids);
      Map<String, List<Long>> seqnums = new HashMap<>();
      int[] read = {0};
      await().atMost(Duration.ofMinutes(3)).until(() -> {
        List<ConsumerRecord<String, JournalEntry>> all = reader.drain(Duration.ofMillis(500));
        for (ConsumerRecord<String, JournalEntry> record : all.subList(read[0], all.size())) {
          if (wanted.contains(record.key())) {
            seqnums.computeIfAbsent(record.key(), key -> new ArrayList<>()).add(record.value().getSeqnum());
          }
        }
        read[0] = all.size();
        return seqnums.size() == devices && seqnums.values().stream().allMatch(list -> list.size() >= perDevice);
      });
      assertThat(seqnums.values()).allSatisfy(list -> assertThat(list).containsExactlyInAnyOrderElementsOf(
          IntStream.rangeClosed(1, perDevice).mapToObj(Long::valueOf).toList()));
      assertThat(tailer.devicesIn(ConnectionState.STREAMING)).isEqualTo(devices);
    }
  }

  @Test
  void devicesWhoseDfNeverAnswersKeepNoOtherDeviceFromConnecting(EmbeddedKafkaBroker kafka) throws Exception {
    // A df that hangs (failing storage) once held one of the eight threads that also connected devices, for good:
    // once eight were hanging, no other device could connect. Connecting, commands and df now hold no thread.
    List<String> first = IntStream.range(0, 10).mapToObj(i -> newUuid()).toList();
    List<String> added = IntStream.range(0, 30).mapToObj(i -> newUuid()).toList();
    try (SimulatedFleet fleet = new SimulatedFleet(dir, 5, false, 0, SimulatedFleet.Df.HANGS);
         SshTailer tailer = start(fleet, first, kafka, StartPosition.ALL, "hung-df")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> tailer.devicesIn(ConnectionState.STREAMING) == first.size()
          && first.stream().mapToInt(uuid -> fleet.device(uuid).diskUsageRuns.get()).sum() >= first.size());

      List<String> all = new ArrayList<>(first);
      all.addAll(added);
      Files.writeString(dir.resolve("inventory.yaml"), fleet.inventory(all));
      await().atMost(Duration.ofSeconds(60)).until(() -> tailer.devicesIn(ConnectionState.STREAMING) == all.size());
    }
  }

  @Test
  void aDroppedConnectionIsResumedFromTheCursor(EmbeddedKafkaBroker kafka) throws Exception {
    String uuid = newUuid();
    int total = 5000;
    try (SimulatedFleet fleet = new SimulatedFleet(dir, total, false, 1500);
         SshTailer tailer = start(fleet, List.of(uuid), kafka, StartPosition.ALL, "dropped");
         TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(),
             List.of(Topics.JOURNAL_PREFIX + "balena-supervisor"))) {
      reader.until(records -> ofDevice(records, uuid).size() >= total);
      List<Long> seqnums = ofDevice(reader.drain(Duration.ofSeconds(1)), uuid).stream().map(JournalEntry::getSeqnum).toList();
      assertThat(seqnums).hasSize(total).doesNotHaveDuplicates();
      assertThat(fleet.device(uuid).connections.get()).as("journalctl runs: the dropped one, then catch-up and follow").isGreaterThanOrEqualTo(3);
      assertThat(tailer.state(uuid)).isEqualTo(ConnectionState.STREAMING);
    }
  }

  @Test
  void devicesAddedToOrRemovedFromTheInventoryAreTailedOrDroppedWithoutARestart(EmbeddedKafkaBroker kafka) throws Exception {
    String first = newUuid();
    String second = newUuid();
    try (SimulatedFleet fleet = new SimulatedFleet(dir, 10, false, 0);
         SshTailer tailer = start(fleet, List.of(first), kafka, StartPosition.ALL, "reload");
         TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(),
             List.of(Topics.JOURNAL_PREFIX + "balena-supervisor"));
         TopicReader<DiskSample> disk = new TopicReader<>(kafka, FleetSerdes.diskSample().deserializer(), List.of(Topics.METRICS_DISK));
         TopicReader<DeviceFacts> facts = new TopicReader<>(kafka, FleetSerdes.deviceFacts().deserializer(), List.of(Topics.DEVICE_FACTS))) {
      reader.until(records -> ofDevice(records, first).size() >= 10);
      // What it runs, read from its os-release and supervisor.conf once connected.
      DeviceFacts software = ofDevice(facts.until(records -> !ofDevice(records, first).isEmpty()), first).get(0);
      assertThat(software.getOs()).isEqualTo("balenaOS 2.115.1+rev1");
      assertThat(software.getSupervisor()).isEqualTo("14.11.2");
      assertThat(software.getDeviceType()).isEqualTo("raspberrypi4-64");
      assertThat(software.getRelease()).as("not in those files").isNull();
      assertThat(software.getSource()).isEqualTo("ssh");

      Files.writeString(dir.resolve("inventory.yaml"), fleet.inventory(List.of(second)));
      reader.until(records -> ofDevice(records, second).size() >= 10);
      await().atMost(Duration.ofSeconds(10)).until(() -> tailer.state(first) == null);

      List<DiskSample> samples = ofDevice(disk.until(records -> ofDevice(records, second).size() >= 2), second);
      assertThat(samples).extracting(DiskSample::getMount).contains("/mnt/data", "/mnt/state");

      Files.writeString(dir.resolve("inventory.yaml"), fleet.inventory(List.of(first, second)));
      await().atMost(Duration.ofSeconds(10)).until(() -> tailer.state(first) == ConnectionState.STREAMING);
      List<Long> firstSeqnums = ofDevice(reader.drain(Duration.ofSeconds(1)), first).stream().map(JournalEntry::getSeqnum).toList();
      assertThat(firstSeqnums).as("a device back in the inventory resumes from its cursor").hasSize(10).doesNotHaveDuplicates();

      Files.writeString(dir.resolve("inventory.yaml"), "devices: [ {uuid: NOT-A-UUID} ]\n");
      reader.drain(Duration.ofMillis(500));
      assertThat(tailer.state(second)).as("a broken inventory keeps the previous one").isEqualTo(ConnectionState.STREAMING);
    }
  }

  private SshTailer start(SimulatedFleet fleet, List<String> uuids, EmbeddedKafkaBroker kafka, StartPosition position, String name)
      throws Exception {
    Path inventory = Files.writeString(dir.resolve("inventory.yaml"), fleet.inventory(uuids));
    Path knownHosts = Files.writeString(dir.resolve("known_hosts"), fleet.knownHostsLine() + "\n");
    SshTailSettings settings = TestSettings.settings(inventory, knownHosts, kafka.bootstrapServers(), "journalctl", position, false,
        "ssh-" + name + "-" + newUuid(), 64 * 1024);
    return new SshTailer(settings, new SimpleMeterRegistry()).start();
  }
}
