package io.fleetpulse.collector.dedup;

import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.schemas.Topics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Keeps {@link SequenceMarks} in the compacted topic {@code fleet.collector.push-marks} (key: device
 * uuid, value: {@code {"<seqnum id>": seqnum, ...}}), so a restarted collector still recognises
 * entries it delivered before.
 */
public final class SequenceMarkStore implements AutoCloseable {

  private final Vertx vertx;
  private final String bootstrapServers;
  private final KafkaProducer<String, String> producer;

  public SequenceMarkStore(Vertx vertx, PublisherSettings kafka) {
    this.vertx = vertx;
    this.bootstrapServers = kafka.bootstrapServers();
    this.producer = new KafkaProducer<>(kafka.producerConfig("fleetpulse-collector-marks"), new StringSerializer(), new StringSerializer());
  }

  /** Reads every device's latest marks (blocking: call at start-up, before accepting pushes). */
  public Map<String, Map<String, Long>> load() {
    Map<String, Map<String, Long>> marks = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "fleetpulse-collector-marks-" + UUID.randomUUID(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.COLLECTOR_PUSH_MARKS).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() != null) {
            marks.put(record.key(), decode(record.value()));
          }
        }
      }
    }
    return marks;
  }

  /** Writes a device's marks; completes once Kafka has acknowledged them. */
  public Future<Void> save(String deviceUuid, Map<String, Long> marks) {
    Promise<Void> saved = Promise.promise();
    var context = vertx.getOrCreateContext();
    vertx.executeBlocking(() -> producer.send(
        new ProducerRecord<>(Topics.COLLECTOR_PUSH_MARKS, Topics.deviceKey(deviceUuid), encode(marks)),
        (metadata, error) -> context.runOnContext(ignored -> {
          if (error == null) {
            saved.complete();
          } else {
            saved.fail(error);
          }
        })), false).onFailure(saved::tryFail);
    return saved.future();
  }

  static String encode(Map<String, Long> marks) {
    return new JsonObject(new HashMap<>(marks)).encode();
  }

  static Map<String, Long> decode(String json) {
    Map<String, Long> marks = new HashMap<>();
    new JsonObject(json).forEach(field -> marks.put(field.getKey(), ((Number) field.getValue()).longValue()));
    return marks;
  }

  @Override
  public void close() {
    producer.close();
  }
}
