package io.fleetpulse.api.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How far behind the device health is, in time: the age of the oldest record the streams may read
 * (read_committed) but have not processed yet, over the partitions where they lag. A record's timestamp
 * is when the collector received it, so this is how stale health, events and alerts are at worst. It
 * peeks at one record per lagging partition, at the streams' committed position, with a consumer of its
 * own that joins no group.
 */
final class ProcessingDelay implements AutoCloseable {

  /** How long one measurement may take to fetch its records. */
  private static final Duration FETCH = Duration.ofSeconds(2);

  private final KafkaConsumer<byte[], byte[]> consumer;

  ProcessingDelay(String bootstrap) {
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.CLIENT_ID_CONFIG, "fleetpulse-pipeline-delay-" + UUID.randomUUID(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        // One record per partition is all it needs: keep each fetch small.
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024,
        ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4 * 1024 * 1024), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * @param positions the streams' committed position in each partition where they lag behind what they may read
   * @return the age of the oldest of the records at those positions; zero when none lags
   */
  Duration measure(Map<TopicPartition, Long> positions, Instant now) {
    if (positions.isEmpty()) {
      return Duration.ZERO;
    }
    consumer.assign(List.copyOf(positions.keySet()));
    positions.forEach(consumer::seek);
    Map<TopicPartition, Long> firstTimestamps = new HashMap<>();
    long deadline = System.nanoTime() + FETCH.toNanos();
    while (firstTimestamps.size() < positions.size() && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (firstTimestamps.putIfAbsent(partition, record.timestamp()) == null) {
          consumer.pause(List.of(partition));
        }
      }
    }
    consumer.unsubscribe();
    return firstTimestamps.values().stream().min(Long::compare)
        .map(oldest -> Duration.between(Instant.ofEpochMilli(oldest), now))
        .filter(age -> !age.isNegative()).orElse(Duration.ZERO);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
