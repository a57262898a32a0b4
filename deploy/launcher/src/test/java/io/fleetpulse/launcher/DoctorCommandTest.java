package io.fleetpulse.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code ./fleetpulse doctor} finds a partition held up by a dead producer's transaction and, when asked, frees it. */
@ExtendWith(SharedKafkaBroker.class)
class DoctorCommandTest {

  @Test
  void findsAndAbortsAHangingTransaction(EmbeddedKafkaBroker kafka) throws Exception {
    TopicPartition partition = new TopicPartition("fleet.doctor-" + UUID.randomUUID(), 0);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(partition.topic(), 1, (short) 1))).all().get();
      KafkaProducer<String, String> killed = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
          ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fleetpulse-push-collector-doctor-test-0",
          ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(10).toMillis()),
          new StringSerializer(), new StringSerializer());
      killed.initTransactions();
      killed.beginTransaction();
      killed.send(new ProducerRecord<>(partition.topic(), 0, "device", "entry")).get();
      killed.close(Duration.ZERO);

      CliRun report = doctor(kafka, "--hanging-after", "0");
      assertThat(report.exit()).as(report.out() + report.err()).isEqualTo(1);
      assertThat(report.out()).contains(partition + ": last stable offset 0, high watermark 1 (1 records not readable by the streams)",
          "open since offset 0", ": HANGING", "--abort-hanging", "fleetpulse-push-collector-doctor-test-0: producer");

      CliRun healed = doctor(kafka, "--hanging-after", "0", "--abort-hanging");
      assertThat(healed.exit()).as(healed.out()).isZero();
      assertThat(healed.out()).contains("Ending the transaction of producer", "on " + partition + " open since offset 0", "aborted");
      long lastStable = admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
          .partitionResult(partition).get().offset();
      assertThat(lastStable).as("the abort marker follows the entry; nothing holds the partition").isEqualTo(2);
      assertThat(doctor(kafka, "--hanging-after", "0").out()).doesNotContain(partition + ": last stable offset");
    }
  }

  @Test
  void saysWhatToDoWhenKafkaIsNotThere() {
    CliRun run = doctor("127.0.0.1:1", "--set", "kafka.deliveryTimeoutSeconds=2");
    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.err()).contains("cannot ask Kafka at 127.0.0.1:1", "Is ./fleetpulse run running");
  }

  private static CliRun doctor(EmbeddedKafkaBroker kafka, String... args) {
    return doctor(kafka.bootstrapServers(), args);
  }

  private static CliRun doctor(String bootstrap, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "doctor";
    all[1] = "--bootstrap-servers";
    all[2] = bootstrap;
    System.arraycopy(args, 0, all, 3, args.length);
    return CliRun.of(all);
  }
}
