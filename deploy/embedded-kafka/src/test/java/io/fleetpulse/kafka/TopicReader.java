package io.fleetpulse.kafka;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads committed records from topics in tests, from the beginning, until a condition holds. */
public final class TopicReader<V> implements AutoCloseable {

  private final KafkaConsumer<String, V> consumer;
  private final List<ConsumerRecord<String, V>> seen = new ArrayList<>();

  public TopicReader(EmbeddedKafkaBroker kafka, Deserializer<V> values, Collection<String> topics) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
    consumer.subscribe(topics);
  }

  /**
   * Polls until the records seen so far satisfy {@code condition}; returns them all. A minute: on two shared cores
   * a real sshd, a collector process and the broker under another module's build took longer than 30 s.
   */
  public List<ConsumerRecord<String, V>> until(Predicate<List<ConsumerRecord<String, V>>> condition) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
      consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
      return condition.test(seen);
    });
    return List.copyOf(seen);
  }

  /**
   * Reads everything committed so far, then polls for {@code quiet} more and returns everything seen: for asserting
   * what has arrived and that nothing more does. The first part matters on a loaded machine: a reader joining its group
   * took more than 3 s there to fetch from every topic, and a fixed wait alone missed a topic's records.
   */
  public List<ConsumerRecord<String, V>> drain(Duration quiet) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
      consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
      Set<TopicPartition> assigned = consumer.assignment();
      // read_committed: the end offsets are the last stable ones, so an open transaction does not hold this up.
      return !assigned.isEmpty() && consumer.endOffsets(assigned).entrySet().stream()
          .allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    });
    long deadline = System.nanoTime() + quiet.toNanos();
    while (System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
    }
    return List.copyOf(seen);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
