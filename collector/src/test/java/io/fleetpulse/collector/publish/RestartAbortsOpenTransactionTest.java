package io.fleetpulse.collector.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.vertx.core.Vertx;
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

/**
 * A collector killed mid-transaction leaves its partitions' last stable offset stuck: read_committed
 * readers (the streams) see nothing past it. The restarted collector, with the same instance id, must
 * end that at once instead of leaving it to the transaction timeout, or forever when the transaction hangs.
 */
@ExtendWith(SharedKafkaBroker.class)
class RestartAbortsOpenTransactionTest {

  @Test
  void aRestartedCollectorAbortsWhatItsKilledPredecessorLeftOpen(EmbeddedKafkaBroker kafka) throws Exception {
    String instanceId = "restart-" + UUID.randomUUID();
    TopicPartition partition = new TopicPartition("restart-abort-" + UUID.randomUUID(), 0);

    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(partition.topic(), 1, (short) 1))).all().get();

      // The predecessor: mid-transaction when it dies. Its transaction timeout is far beyond this test,
      // so only the restart can end the transaction. close(0) sends no abort, like kill -9.
      KafkaProducer<String, String> killed = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
          ProducerConfig.TRANSACTIONAL_ID_CONFIG, JournalPublisher.transactionalId(instanceId, 0),
          ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(10).toMillis()),
          new StringSerializer(), new StringSerializer());
      killed.initTransactions();
      killed.beginTransaction();
      killed.send(new ProducerRecord<>(partition.topic(), 0, "device", "entry")).get();
      killed.close(Duration.ZERO);
      assertThat(lastStableOffset(admin, partition)).as("stuck behind the open transaction").isZero();
      assertThat(highWatermark(admin, partition)).isEqualTo(1);

      Vertx vertx = Vertx.vertx();
      try (JournalPublisher restarted = new JournalPublisher(vertx, PublisherSettings.of(kafka.bootstrapServers()), instanceId)) {
        // Nothing pushed yet: registering at start-up is what frees the partition (abort marker at offset 1).
        await().atMost(Duration.ofSeconds(30)).until(() -> lastStableOffset(admin, partition) == 2);
      } finally {
        vertx.close().await();
      }
    }
  }

  private static long lastStableOffset(Admin admin, TopicPartition partition) throws Exception {
    return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
        .partitionResult(partition).get().offset();
  }

  private static long highWatermark(Admin admin, TopicPartition partition) throws Exception {
    return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
        .partitionResult(partition).get().offset();
  }
}
