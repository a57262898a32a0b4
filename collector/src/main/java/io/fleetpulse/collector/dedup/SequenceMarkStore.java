package io.fleetpulse.collector.dedup;

import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
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
 * the original is still recognised: before a push is filtered, {@link #upToDate} waits until this replica
 * has read every mark of the device's partition written before the push arrived (a read barrier), so a
 * retry that reaches another replica the moment after the first one answered 202 finds its mark.
 */
public final class SequenceMarkStore implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SequenceMarkStore.class);

  /** How long a push waits for its device's marks before it is answered 503 (a transaction hanging on that partition). */
  static final Duration BARRIER_LIMIT = Duration.ofSeconds(5);
  /** The longest one blocking consumer call of the follower may take, so barriers past their limit are still failed in time. */
  private static final Duration KAFKA_CALL_LIMIT = Duration.ofSeconds(1);

  private final String bootstrapServers;
  private KafkaConsumer<String, String> consumer;
  private Admin admin;
  private Thread follower;
  private volatile boolean following;
  private final AtomicReference<CompletableFuture<Void>> catchUp = new AtomicReference<>();
  /** Barriers asked for and not yet given a target offset. */
  private final Queue<Barrier> asked = new ConcurrentLinkedQueue<>();
  private volatile int partitions;
  /** When the oldest push still waiting for its barrier asked (System.nanoTime), or 0 when none waits. */
  private volatile long oldestWaitingSince;
  /** Set when the follower thread ended: from then on no barrier can be passed. */
  private volatile boolean dead;

  /** A push waiting until the follower has read its device's partition up to {@code target}. */
  private static final class Barrier {
    final TopicPartition partition;
    final CompletableFuture<Void> reached = new CompletableFuture<>();
    final long askedAtNanos = System.nanoTime();
    long target = -1;

    Barrier(TopicPartition partition) {
      this.partition = partition;
    }
  }

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
    this.partitions = partitions.size();
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.CLIENT_ID_CONFIG, "fleetpulse-collector-marks-barrier"));
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
        FollowerState state = new FollowerState();
        while (following) {
          try {
            followOnce(marks, followed, state);
          } catch (WakeupException woken) {
            // upToDate() wakes the consumer so a new barrier is looked at at once; the wakeup lands in whichever
            // blocking call runs, also position() while it re-validates after a broker restart. Only close() ends this.
          } catch (KafkaException e) {
            // Kafka away (a broker restarting): the marks are still wanted once it is back, so keep following.
            state.unreachable(e);
          }
        }
      } catch (RuntimeException e) {
        log.error("Stopped following the dedup marks: pushes are refused (503) until the collector restarts", e);
      } finally {
        dead = true;
        String why = following ? "this collector stopped following the dedup marks" : "the collector is stopping";
        asked.forEach(barrier -> barrier.reached.completeExceptionally(new IllegalStateException(why)));
        consumer.close();
      }
    }, "fleetpulse-dedup-marks");
    follower.setDaemon(true);
    follower.start();
  }

  /** What the follower carries from one round to the next. */
  private static final class FollowerState {
    Map<TopicPartition, Long> target;
    CompletableFuture<Void> targetFor;
    final List<Barrier> waiting = new ArrayList<>();
    long lastWarnedNanos;

    void unreachable(KafkaException e) {
      long now = System.nanoTime();
      if (lastWarnedNanos == 0 || now - lastWarnedNanos > Duration.ofMinutes(1).toNanos()) {
        lastWarnedNanos = now;
        log.warn("Following the dedup marks: Kafka is not answering ({}); pushes that need them are answered 503 meanwhile",
            e.getMessage());
      }
    }
  }

  /** One round of the follower: read marks, answer the catch-up waiter, pass the barriers. */
  private void followOnce(SequenceMarks marks, Counter followed, FollowerState state) {
    // Barriers past their limit are failed first: a Kafka that does not answer below must not hold them up.
    failBarriersPastLimit(state.waiting);
    ConsumerRecords<String, String> records;
    try {
      records = consumer.poll(Duration.ofMillis(200));
    } catch (WakeupException woken) {
      // The usual wakeup, from upToDate(): new barriers to look at, below.
      records = ConsumerRecords.empty();
    }
    for (ConsumerRecord<String, String> record : records) {
      if (record.value() != null) {
        marks.committed(record.key(), decode(record.value()));
        followed.increment();
      }
    }
    CompletableFuture<Void> caughtUpWaiter = catchUp.get();
    if (caughtUpWaiter != null) {
      // A waiter that came after the target was taken needs a target of its own.
      if (caughtUpWaiter != state.targetFor) {
        state.target = consumer.endOffsets(consumer.assignment(), KAFKA_CALL_LIMIT);
        state.targetFor = caughtUpWaiter;
      }
      if (state.target.entrySet().stream().allMatch(end -> position(end.getKey()) >= end.getValue())) {
        catchUp.compareAndSet(caughtUpWaiter, null);
        state.target = null;
        state.targetFor = null;
        caughtUpWaiter.complete(null);
      }
    }
    passBarriers(state.waiting);
  }

  private long position(TopicPartition partition) {
    return consumer.position(partition, KAFKA_CALL_LIMIT);
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

  /**
   * Completes once this collector has read every mark of {@code deviceUuid}'s partition that was written
   * before the call, whichever collector wrote it: the mark of a push another replica just answered 202 is
   * then known here. Its target is the partition's high watermark when asked (marks written, committed or
   * about to be), reached by the read_committed follower once their transactions end. Fails after
   * {@link #BARRIER_LIMIT} (a transaction hanging on that partition), so the push is answered 503 rather
   * than risk a duplicate.
   */
  public CompletableFuture<Void> upToDate(String deviceUuid) {
    int count = partitions;
    if (count == 0 || !following) {
      return CompletableFuture.completedFuture(null);
    }
    int partition = Utils.toPositive(Utils.murmur2(Topics.deviceKey(deviceUuid).getBytes(StandardCharsets.UTF_8))) % count;
    Barrier barrier = new Barrier(new TopicPartition(Topics.COLLECTOR_PUSH_MARKS, partition));
    asked.add(barrier);
    if (dead) {
      barrier.reached.completeExceptionally(new IllegalStateException("this collector stopped following the dedup marks"));
    } else {
      consumer.wakeup();
    }
    return barrier.reached;
  }

  /** On the follower's thread: gives new barriers their targets, completes those reached, fails those past the limit. */
  private void passBarriers(List<Barrier> waiting) {
    List<Barrier> fresh = new ArrayList<>();
    for (Barrier barrier = asked.poll(); barrier != null; barrier = asked.poll()) {
      fresh.add(barrier);
    }
    if (!fresh.isEmpty()) {
      Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
      fresh.forEach(barrier -> wanted.put(barrier.partition, OffsetSpec.latest()));
      try {
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(wanted,
            new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get(BARRIER_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        fresh.forEach(barrier -> barrier.target = ends.get(barrier.partition).offset());
        waiting.addAll(fresh);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fresh.forEach(barrier -> barrier.reached.completeExceptionally(e));
      } catch (ExecutionException | TimeoutException e) {
        fresh.forEach(barrier -> barrier.reached.completeExceptionally(new IllegalStateException(
            "cannot tell where the dedup marks end (" + (e.getCause() != null ? e.getCause() : e) + ")", e)));
      }
    }
    waiting.removeIf(barrier -> {
      if (position(barrier.partition) >= barrier.target) {
        barrier.reached.complete(null);
        return true;
      }
      return false;
    });
    failBarriersPastLimit(waiting);
  }

  /** Fails the barriers waiting longer than {@link #BARRIER_LIMIT} (a transaction open on their partition, or Kafka away). */
  private void failBarriersPastLimit(List<Barrier> waiting) {
    long now = System.nanoTime();
    oldestWaitingSince = 0;
    waiting.removeIf(barrier -> {
      if (now - barrier.askedAtNanos > BARRIER_LIMIT.toNanos()) {
        barrier.reached.completeExceptionally(new IllegalStateException("the dedup marks of " + barrier.partition
            + " were not readable within " + BARRIER_LIMIT.toSeconds() + " s (a transaction open there, or Kafka away)"));
        return true;
      }
      if (oldestWaitingSince == 0 || barrier.askedAtNanos < oldestWaitingSince) {
        oldestWaitingSince = barrier.askedAtNanos;
      }
      return false;
    });
  }

  /** How long the oldest push waiting to know its device's marks has waited (zero when none waits). */
  public Duration barrierWait() {
    long since = oldestWaitingSince;
    Barrier asking = asked.peek();
    if (asking != null && (since == 0 || asking.askedAtNanos < since)) {
      since = asking.askedAtNanos;
    }
    return since == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - since);
  }

  /** Stops following (blocking until the consumer is closed). */
  @Override
  public void close() {
    following = false;
    if (follower == null) {
      if (consumer != null) {
        consumer.close();
      }
      if (admin != null) {
        admin.close();
      }
      return;
    }
    consumer.wakeup();
    try {
      follower.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admin.close();
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
