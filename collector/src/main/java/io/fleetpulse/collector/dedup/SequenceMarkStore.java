package io.fleetpulse.collector.dedup;

import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link SequenceMarks} in the compacted topic {@code fleet.collector.push-marks} (key: device
 * uuid, value: {@code {"<seqnum id>": seqnum, ...}}), so a restarted collector still recognises
 * entries it delivered before. A mark is written in the same transaction as the entries it covers
 * ({@link #record}), and read back with read_committed: a mark is there exactly when its entries are.
 *
 * <p>After loading, the store keeps following the topic ({@link #follow}): the collectors of one
 * deployment share it, so a device whose re-send reaches another replica than the one that committed
 * the original is still recognised, once that replica has read the mark (normally well under a second
 * after the commit, long before a client retries).
 */
public final class SequenceMarkStore implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SequenceMarkStore.class);

  private final String bootstrapServers;
  private KafkaConsumer<String, String> consumer;
  private Thread follower;
  private volatile boolean following;
  private final AtomicReference<CompletableFuture<Void>> catchUp = new AtomicReference<>();

  public SequenceMarkStore(PublisherSettings kafka) {
    this.bootstrapServers = kafka.bootstrapServers();
  }

  /** Reads every device's latest committed marks (blocking: call at start-up, before accepting pushes). */
  public Map<String, Map<String, Long>> load() {
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "fleetpulse-collector-marks-" + UUID.randomUUID(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer());
    Map<String, Map<String, Long>> marks = new HashMap<>();
    List<TopicPartition> partitions = consumer.partitionsFor(Topics.COLLECTOR_PUSH_MARKS).stream()
        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    // read_committed: the end is the last stable offset, so a dead collector's open transaction (aborted
    // by the broker after transaction.timeout.ms) does not hold this up.
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
        if (record.value() != null) {
          marks.put(record.key(), decode(record.value()));
        }
      }
    }
    return marks;
  }

  /**
   * From where {@link #load} stopped, applies every mark committed since, by this collector or another
   * of the deployment, to {@code marks}, on a thread of its own until {@link #close}.
   */
  public void follow(SequenceMarks marks, MeterRegistry registry) {
    Counter followed = Counter.builder("fleetpulse.collector.dedup.marks.followed")
        .description("Dedup marks read back from fleet.collector.push-marks after start-up (this and the other collectors' commits)")
        .register(registry);
    following = true;
    follower = new Thread(() -> {
      try {
        Map<TopicPartition, Long> target = null;
        while (following) {
          for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            if (record.value() != null) {
              marks.committed(record.key(), decode(record.value()));
              followed.increment();
            }
          }
          CompletableFuture<Void> waiting = catchUp.get();
          if (waiting != null) {
            if (target == null) {
              target = consumer.endOffsets(consumer.assignment());
            }
            Map<TopicPartition, Long> end = target;
            if (end.entrySet().stream().allMatch(partition -> consumer.position(partition.getKey()) >= partition.getValue())) {
              catchUp.set(null);
              target = null;
              waiting.complete(null);
            }
          }
        }
      } catch (WakeupException stopping) {
        // close() wakes the poll up
      } catch (RuntimeException e) {
        log.error("Stopped following the dedup marks of other collectors: re-sends reaching this collector after another "
            + "delivered them may be duplicated until it restarts", e);
      } finally {
        consumer.close();
      }
    }, "fleetpulse-dedup-marks");
    follower.setDaemon(true);
    follower.start();
  }

  /**
   * Completes once the follower has read every mark committed before this call (read_committed: up to the
   * last stable offsets as they are when it looks). Call after {@link #follow}.
   */
  public CompletableFuture<Void> caughtUp() {
    CompletableFuture<Void> waiting = new CompletableFuture<>();
    CompletableFuture<Void> earlier = catchUp.getAndSet(waiting);
    if (earlier != null) {
      waiting.whenComplete((done, error) -> earlier.complete(null));
    }
    return waiting;
  }

  /** Stops following (blocking until the consumer is closed). */
  @Override
  public void close() {
    following = false;
    if (follower == null) {
      if (consumer != null) {
        consumer.close();
      }
      return;
    }
    consumer.wakeup();
    try {
      follower.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The record that stores a device's marks; to be committed with the entries they cover. */
  public static ProducerRecord<String, byte[]> record(String deviceUuid, Map<String, Long> marks) {
    return new ProducerRecord<>(Topics.COLLECTOR_PUSH_MARKS, Topics.deviceKey(deviceUuid), encode(marks).getBytes(StandardCharsets.UTF_8));
  }

  static String encode(Map<String, Long> marks) {
    return new JsonObject(new HashMap<>(marks)).encode();
  }

  static Map<String, Long> decode(String json) {
    Map<String, Long> marks = new HashMap<>();
    new JsonObject(json).forEach(field -> marks.put(field.getKey(), ((Number) field.getValue()).longValue()));
    return marks;
  }
}
