package io.fleetpulse.api.silence;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.Topics;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Silences and acknowledgements, durable in {@value Topics#SILENCES} (compacted, JSON) so every api instance
 * sees the same ones: each instance reads the whole topic into memory (a handful of records) and keeps
 * following it. What an operator sets here is written there first (acknowledged by the brokers), then
 * applied at once, so the instance that answered never shows the state before its own write.
 *
 * <p>Key {@code silence:<id>}: a maintenance window for a device or a whole fleet; alerts are still computed
 * and shown, not sent. Key {@code ack:<alert id>}: someone took a firing alert in hand; it stays visible and
 * is not sent again. Both carry who set them and when; expiring a silence early keeps it, with who ended it.
 */
public final class SilenceBook implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SilenceBook.class);
  private static final String SILENCE = "silence:";
  private static final String ACK = "ack:";
  /** Expired silences stay listed this long: the audit trail of recent maintenance. */
  public static final Duration LISTED_AFTER_EXPIRY = Duration.ofDays(7);

  private final String bootstrap;
  private final Clock clock;
  private final Map<String, JsonObject> records = new ConcurrentHashMap<>();
  private final CountDownLatch loaded = new CountDownLatch(1);
  private final CountDownLatch stopping = new CountDownLatch(1);
  private KafkaProducer<String, String> producer;
  private Thread follower;

  public SilenceBook(String bootstrap, Clock clock) {
    this.bootstrap = bootstrap;
    this.clock = clock;
  }

  /** Starts following the topic; {@link #awaitLoaded} says when what was there before is read. */
  public SilenceBook start() {
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.CLIENT_ID_CONFIG, "fleetpulse-silences"), new StringSerializer(), new StringSerializer());
    follower = new Thread(this::follow, "silence-book");
    follower.setDaemon(true);
    follower.start();
    return this;
  }

  /** Whether the silences written before this instance started are read, waiting up to {@code timeout}. */
  public boolean awaitLoaded(Duration timeout) throws InterruptedException {
    return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A new silence of {@code device} (or, null, of every device of {@code fleet}) from now for {@code duration}. */
  public Silence silence(String fleet, String device, Duration duration, String by, String comment) {
    Instant now = clock.instant();
    Silence silence = new Silence(UUID.randomUUID().toString(), fleet, device, now, now.plus(duration), by, comment, null);
    write(SILENCE + silence.id(), silence.json());
    log.info("audit: {} silenced {} until {} ({})", by, silence.scope(), silence.endsAt(), comment);
    return silence;
  }

  /** Ends a silence now; empty when there is no such silence. */
  public Optional<Silence> expire(String id, String by) {
    Optional<Silence> current = Optional.ofNullable(records.get(SILENCE + id)).map(Silence::of);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Silence ended = current.get().endsAt().isAfter(now) ? current.get().endedBy(by, now) : current.get();
    write(SILENCE + id, ended.json());
    log.info("audit: {} ended the silence of {} ({})", by, ended.scope(), id);
    return Optional.of(ended);
  }

  /** Records that {@code by} took the alert in hand. */
  public Acknowledgement acknowledge(String alertId, String by, String note) {
    Acknowledgement ack = new Acknowledgement(alertId, by, clock.instant(), note);
    write(ACK + alertId, ack.json());
    log.info("audit: {} acknowledged alert {} ({})", by, alertId, note);
    return ack;
  }

  public Optional<Acknowledgement> acknowledgement(String alertId) {
    return Optional.ofNullable(records.get(ACK + alertId)).map(Acknowledgement::of);
  }

  /** Silences in force or ended within {@link #LISTED_AFTER_EXPIRY}, latest end first. */
  public List<Silence> silences() {
    Instant listedSince = clock.instant().minus(LISTED_AFTER_EXPIRY);
    return records.entrySet().stream().filter(entry -> entry.getKey().startsWith(SILENCE)).map(entry -> Silence.of(entry.getValue()))
        .filter(silence -> silence.endsAt().isAfter(listedSince))
        .sorted(Comparator.comparing(Silence::endsAt).reversed()).toList();
  }

  /** The silence in force now that covers the alert's device or fleet, if any. */
  public Optional<Silence> silencing(Alert alert) {
    return silencing(alert.getFleet(), alert.getDeviceUuid());
  }

  /** The silence in force now that covers {@code device} (null: a fleet-level alert) or its fleet, if any. */
  public Optional<Silence> silencing(String fleet, String device) {
    Instant now = clock.instant();
    return silences().stream().filter(silence -> silence.inForce(now) && silence.covers(fleet, device)).findFirst();
  }

  /**
   * Why the notifiers must not send {@code alert}: a firing under a silence in force, or one someone acknowledged
   * (it was taken in hand: no re-sends, redeliveries or updates); a resolution whose firing fell under a silence
   * (the receiver never heard of it). Empty when it may be sent.
   */
  public Optional<String> mutes(Alert alert) {
    if (alert.getState() == AlertState.RESOLVED) {
      Instant fired = alert.getStartedAt();
      return silences().stream().filter(silence -> silence.inForce(fired) && silence.covers(alert.getFleet(), alert.getDeviceUuid()))
          .findFirst().map(silence -> "its firing fell under silence " + silence.id() + " of " + silence.scope());
    }
    Optional<String> silenced = silencing(alert).map(silence -> "silence " + silence.id() + " of " + silence.scope() + " until "
        + silence.endsAt() + " (set by " + silence.createdBy() + ")");
    return silenced.isPresent() ? silenced
        : acknowledgement(alert.getId()).map(ack -> "acknowledged by " + ack.by() + " at " + ack.at());
  }

  private void write(String key, JsonObject value) {
    try {
      producer.send(new ProducerRecord<>(Topics.SILENCES, key, value.encode())).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + Topics.SILENCES, e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Kafka did not take the write to " + Topics.SILENCES + ": " + e, e);
    }
    records.put(key, value);
  }

  private void follow() {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.CLIENT_ID_CONFIG, "fleetpulse-silences-" + UUID.randomUUID(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
      Set<TopicPartition> partitions = consumer.partitionsFor(Topics.SILENCES, Duration.ofMinutes(1)).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).collect(Collectors.toSet());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> startEnd = consumer.endOffsets(partitions);
      while (stopping.getCount() > 0) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          apply(record);
        }
        if (loaded.getCount() > 0 && partitions.stream().allMatch(p -> consumer.position(p) >= startEnd.get(p))) {
          log.info("{} silences and acknowledgements loaded from {}", records.size(), Topics.SILENCES);
          loaded.countDown();
        }
      }
    } catch (RuntimeException e) {
      log.error("Stopped following {}: silences set from now on by other api instances are not seen here; restart this instance", Topics.SILENCES, e);
    }
  }

  private void apply(ConsumerRecord<String, String> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      records.remove(record.key());
      return;
    }
    try {
      records.put(record.key(), new JsonObject(record.value()));
    } catch (DecodeException e) {
      log.warn("Skipping an unreadable record of {} at {}-{} offset {}: {}", Topics.SILENCES, record.topic(), record.partition(),
          record.offset(), e.getMessage());
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopping.countDown();
    if (follower != null) {
      follower.join(5_000);
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
