package io.fleetpulse.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

  @Test
  @ExtendWith(SharedKafkaBroker.class)
  void sharedBrokerServesTransactionalProducers(EmbeddedKafkaBroker kafka) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("broker-test.tx", 1, (short) 1))).all().get();
    }
    Map<String, Object> producerConfig = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "broker-test");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("broker-test.tx", "k", "committed"));
      producer.commitTransaction();
    }
    assertThat(readAll(kafka, "broker-test.tx")).containsExactly("committed");
  }

  @Test
  void restartKeepsTopicsAndRecords(@TempDir Path dataDir) throws Exception {
    EmbeddedKafkaBroker.Settings settings = EmbeddedKafkaBroker.Settings.of(dataDir);
    try (EmbeddedKafkaBroker first = new EmbeddedKafkaBroker(settings).start()) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", first.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("broker-test.persist", 1, (short) 1))).all().get();
      }
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(
          Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("broker-test.persist", "k", "survives")).get();
      }
    }
    try (EmbeddedKafkaBroker second = new EmbeddedKafkaBroker(settings).start()) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", second.bootstrapServers()))) {
        assertThat(admin.listTopics().names().get()).contains("broker-test.persist");
      }
      assertThat(readAll(second, "broker-test.persist")).containsExactly("survives");
    }
  }

  private static List<String> readAll(EmbeddedKafkaBroker kafka, String topic) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(Set.of(topic));
      List<String> values = new java.util.ArrayList<>();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
        return !values.isEmpty();
      });
      return values;
    }
  }
}
