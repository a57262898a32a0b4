package io.fleetpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.TopicProvisioner;
import io.fleetpulse.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a SIGKILL: a streams instance is killed while processing, a new one takes over
 * (with an empty state directory, as on another machine), and the committed output has every event
 * once and every alert transition once.
 */
@ExtendWith(SharedKafkaBroker.class)
class ExactlyOnceRestartTest {

  private static final int DEVICES = 20;
  private static final int ENTRIES_PER_DEVICE = 100;

  @TempDir
  Path dir;

  @Test
  void aKilledInstanceLosesNothingAndDuplicatesNothing(EmbeddedKafkaBroker kafka) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(2, (short) 1).provision(admin);
    }
    String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String applicationId = "eos-it-" + run;
    List<String> devices = new ArrayList<>();
    for (int i = 0; i < DEVICES; i++) {
      devices.add(String.format("%s%024x", run, i));
    }
    Instant start = Instant.now().minusSeconds(600);

    try (KafkaProducer<String, JournalEntry> producer = producer(kafka);
        KafkaConsumer<String, byte[]> uncommitted = consumer(kafka, "read_uncommitted");
        KafkaConsumer<String, byte[]> committed = consumer(kafka, "read_committed")) {
      // First half: every device's engine is killed once, and restarts cleanly a lot.
      send(producer, devices, start, 0, ENTRIES_PER_DEVICE / 2);

      Process first = StreamsProcess.start(kafka.bootstrapServers(), applicationId, dir.resolve("state-1"), dir.resolve("first.log"));
      try {
        List<DeviceEvent> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
          seen.addAll(ours(poll(uncommitted), devices));
          return !seen.isEmpty();
        });
        // Second half while the first instance is busy; kill it as soon as it has written some of it.
        send(producer, devices, start, ENTRIES_PER_DEVICE / 2, ENTRIES_PER_DEVICE);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          seen.addAll(ours(poll(uncommitted), devices));
          return seen.stream().anyMatch(e -> e.getSeqnum() >= ENTRIES_PER_DEVICE / 2);
        });
      } finally {
        first.destroyForcibly().waitFor();
      }

      Process second = StreamsProcess.start(kafka.bootstrapServers(), applicationId, dir.resolve("state-2"), dir.resolve("second.log"));
      try {
        List<ConsumerRecord<String, byte[]>> output = new ArrayList<>();
        int expectedEvents = DEVICES * ENTRIES_PER_DEVICE;
        await().atMost(Duration.ofSeconds(120)).until(() -> {
          output.addAll(poll(committed));
          return ours(output, devices).size() >= expectedEvents && alerts(output, devices).size() >= DEVICES;
        });
        // Let anything duplicated arrive too before judging.
        long quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < quietUntil) {
          output.addAll(poll(committed));
        }

        List<DeviceEvent> events = ours(output, devices);
        Set<String> identities = events.stream().map(e -> e.getDeviceUuid() + "#" + e.getSeqnum() + "#" + e.getKind()).collect(Collectors.toSet());
        assertThat(events).as("no event lost or duplicated").hasSize(expectedEvents);
        assertThat(identities).hasSize(expectedEvents);

        List<Alert> alerts = alerts(output, devices);
        assertThat(alerts).as("one CRASHLOOP FIRING per device, no duplicate transition").hasSize(DEVICES)
            .allSatisfy(a -> {
              assertThat(a.getKind()).isEqualTo(AlertKind.CRASHLOOP);
              assertThat(a.getState()).isEqualTo(AlertState.FIRING);
            });
        assertThat(alerts.stream().map(Alert::getDeviceUuid).collect(Collectors.toSet())).hasSize(DEVICES);
      } finally {
        second.destroyForcibly().waitFor();
      }
    }
  }

  /** Per device: entries 0..n; the first and the one in the middle are SIGKILLs of the engine, the rest clean exits. */
  private static void send(KafkaProducer<String, JournalEntry> producer, List<String> devices, Instant start, int from, int to) {
    String topic = Topics.journalTopicFor("balena.service");
    for (int seq = from; seq < to; seq++) {
      for (String device : devices) {
        boolean kill = seq == 0 || seq == ENTRIES_PER_DEVICE / 2;
        String message = kill ? "balena.service: Main process exited, code=killed, status=9/KILL"
            : "balena.service: Main process exited, code=exited, status=0/SUCCESS";
        Instant at = start.plusSeconds(seq * 3L);
        JournalEntry entry = JournalEntries.systemd(device, "balena.service", message, at).setSeqnum((long) seq).build();
        producer.send(new ProducerRecord<>(topic, null, entry.getReceivedAt().toEpochMilli(), device, entry));
      }
    }
    producer.flush();
  }

  private static List<DeviceEvent> ours(List<ConsumerRecord<String, byte[]>> records, List<String> devices) {
    Set<String> ids = new HashSet<>(devices);
    return records.stream().filter(r -> r.topic().equals(Topics.EVENTS) && ids.contains(r.key()))
        .map(r -> FleetSerdes.deviceEvent().deserializer().deserialize(r.topic(), r.value())).toList();
  }

  private static List<Alert> alerts(List<ConsumerRecord<String, byte[]>> records, List<String> devices) {
    Set<String> ids = new HashSet<>(devices);
    return records.stream().filter(r -> r.topic().equals(Topics.ALERTS) && ids.contains(r.key()))
        .map(r -> FleetSerdes.alert().deserializer().deserialize(r.topic(), r.value())).toList();
  }

  private static List<ConsumerRecord<String, byte[]>> poll(KafkaConsumer<String, byte[]> consumer) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
    return records;
  }

  private static KafkaProducer<String, JournalEntry> producer(EmbeddedKafkaBroker kafka) {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
        new StringSerializer(), FleetSerdes.journalEntry().serializer());
  }

  private static KafkaConsumer<String, byte[]> consumer(EmbeddedKafkaBroker kafka, String isolation) {
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "eos-it-reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation), new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(Topics.EVENTS, Topics.ALERTS));
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      consumer.poll(Duration.ofMillis(100));
      return !consumer.assignment().isEmpty();
    });
    return consumer;
  }
}
