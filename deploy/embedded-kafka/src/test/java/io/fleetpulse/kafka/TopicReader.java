package io.fleetpulse.kafka;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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

  /** Polls for a while and returns everything seen: for asserting that nothing (more) arrives. */
  public List<ConsumerRecord<String, V>> drain(Duration quiet) {
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
