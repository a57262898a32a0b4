package io.fleetpulse.api.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How stale health is: the age of the oldest record at the streams' position in the partitions where they lag. */
@ExtendWith(SharedKafkaBroker.class)
class ProcessingDelayTest {

  @Test
  void isTheAgeOfTheOldestUnprocessedRecordAcrossLaggingPartitions(EmbeddedKafkaBroker kafka) throws Exception {
    String topic = "delay-" + UUID.randomUUID();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    }
    Instant now = Instant.parse("2026-12-06T12:00:00Z");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
        new StringSerializer(), new StringSerializer())) {
      // Partition 0: received 10 min, 5 min and 1 min ago; partition 1: 2 min and 30 s ago.
      for (long secondsAgo : List.of(600L, 300L, 60L)) {
        producer.send(new ProducerRecord<>(topic, 0, now.minusSeconds(secondsAgo).toEpochMilli(), "d", "e")).get();
      }
      for (long secondsAgo : List.of(120L, 30L)) {
        producer.send(new ProducerRecord<>(topic, 1, now.minusSeconds(secondsAgo).toEpochMilli(), "d", "e")).get();
      }
    }
    try (ProcessingDelay delay = new ProcessingDelay(kafka.bootstrapServers())) {
      TopicPartition zero = new TopicPartition(topic, 0);
      TopicPartition one = new TopicPartition(topic, 1);
      assertThat(delay.measure(Map.of(zero, 1L, one, 1L), now)).as("processed up to 5 min ago and up to 30 s ago")
          .isEqualTo(Duration.ofMinutes(5));
      assertThat(delay.measure(Map.of(zero, 2L, one, 0L), now)).isEqualTo(Duration.ofMinutes(2));
      assertThat(delay.measure(Map.of(), now)).as("nothing lags").isZero();
    }
  }
}
