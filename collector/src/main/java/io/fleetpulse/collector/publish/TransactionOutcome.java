package io.fleetpulse.collector.publish;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Whether a transaction whose commit failed on the way (a broker lost mid-commit) committed after all: once a
 * new producer with the same transactional id has registered, every earlier transaction of that id is
 * finished, and a read_committed reader sees one of its records ({@code probe}) exactly when it committed.
 */
public final class TransactionOutcome {

  private TransactionOutcome() {}

  /**
   * Blocking. Call only after the transactional id was registered again.
   *
   * @throws KafkaException when the outcome is not readable within {@code timeout}
   */
  public static boolean committed(String bootstrapServers, RecordMetadata probe, Duration timeout) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "fleetpulse-collector-outcome-" + UUID.randomUUID(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(probe.topic(), probe.partition());
      consumer.assign(List.of(partition));
      consumer.seek(partition, probe.offset());
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200)).records(partition)) {
          if (record.offset() >= probe.offset()) {
            return record.offset() == probe.offset();
          }
        }
        if (consumer.position(partition) > probe.offset()) {
          return false;
        }
      }
      throw new KafkaException("the outcome did not become readable within " + timeout);
    }
  }
}
