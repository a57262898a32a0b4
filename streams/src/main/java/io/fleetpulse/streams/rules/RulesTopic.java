package io.fleetpulse.streams.rules;

import io.fleetpulse.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rules version on every instance. A rules file that changes on any instance is published to
 * {@value Topics#RULES} (compacted, one partition, one key), and every instance follows that topic and puts its
 * newest version in force, within a poll (half a second) of the write. At start the newer of the two wins: the
 * topic's version when it was published after this instance's file was last written (an instance restarting with a
 * stale copy does not undo a newer file), else the file's, which is published.
 */
public final class RulesTopic implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RulesTopic.class);
  private static final String KEY = "rules";
  private static final String FROM = "from";
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
  /** How long reading the topic may hold the instance's start; past it the instance starts and reads it in the background. */
  private static final Duration SETTLE_AT_START = Duration.ofSeconds(15);
  private static final Duration MAX_SETTLE_WAIT = Duration.ofSeconds(30);

  private final String bootstrap;
  private final String instance;
  private final RulesInForce rules;
  private final CountDownLatch stopping = new CountDownLatch(1);
  /**
   * The offset of the newest record whose version is in force here: the follower, which may still be behind this
   * instance's own publication, never goes back to an older record.
   */
  private final AtomicLong newestApplied = new AtomicLong(-1);
  private KafkaProducer<String, String> producer;
  private KafkaConsumer<String, String> consumer;
  private Thread follower;

  /** @param instance this instance's name in the records it publishes (for the log of the others) */
  public RulesTopic(String bootstrap, String instance, RulesInForce rules) {
    this.bootstrap = bootstrap;
    this.instance = instance;
    this.rules = rules;
  }

  /**
   * Reads the topic to its end, settles which version is in force (the topic's or {@code file}'s), then follows.
   *
   * @param file the rules file as read at start; null on an instance without one, which runs what the others publish
   */
  public RulesTopic start(RulesFileWatcher.Accepted file) {
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.CLIENT_ID_CONFIG, "fleetpulse-rules-" + instance), new StringSerializer(), new StringSerializer());
    consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.CLIENT_ID_CONFIG, "fleetpulse-rules-" + instance + "-" + UUID.randomUUID(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer());
    boolean settled = trySettle(file, SETTLE_AT_START);
    if (!settled && file != null) {
      rules.replace(file.rules());
    }
    follower = new Thread(() -> {
      if (settled || settleWhenReadable(file)) {
        follow();
      }
    }, "fleetpulse-rules-topic");
    follower.setDaemon(true);
    follower.start();
    return this;
  }

  /**
   * Reads the topic to its end and puts the newer of its version and {@code file}'s in force (publishing the file's
   * when it is the newer); false, having changed nothing, when the topic cannot be read within {@code timeout}. A
   * broker still recovering after a crash, or a topic not created yet, must not stop the instance from starting.
   */
  private boolean trySettle(RulesFileWatcher.Accepted file, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      TopicPartition partition = new TopicPartition(Topics.RULES, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
      ConsumerRecord<String, String> newest = null;
      while (consumer.position(partition, timeout) < end) {
        if (System.nanoTime() > deadline) {
          throw new org.apache.kafka.common.errors.TimeoutException("read " + Topics.RULES + " to its end within " + timeout);
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          newest = KEY.equals(record.key()) && record.value() != null ? record : newest;
        }
      }
      if (newest != null && (file == null || Instant.ofEpochMilli(newest.timestamp()).isAfter(file.modified()))) {
        apply(newest, "published by " + from(newest) + (file == null ? "" : " after this instance's file was written"));
      } else if (file != null) {
        publish(file);
      }
      return true;
    } catch (org.apache.kafka.common.KafkaException e) {
      log.warn("{} cannot be read yet ({}); {} in force here until it can, then the newer of the two", Topics.RULES, e.toString(),
          file == null ? "no rules" : "the file's rules " + file.rules().version());
      return false;
    }
  }

  /** Tries again, backing off, until the topic is read or the instance stops; false when it stopped first. */
  private boolean settleWhenReadable(RulesFileWatcher.Accepted file) {
    Duration wait = Duration.ofSeconds(1);
    try {
      while (!stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        if (trySettle(file, SETTLE_AT_START)) {
          log.info("{} read: this instance now runs the rules every instance runs ({})", Topics.RULES, rules.current().version());
          return true;
        }
        wait = wait.multipliedBy(2).compareTo(MAX_SETTLE_WAIT) > 0 ? MAX_SETTLE_WAIT : wait.multipliedBy(2);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    }
    consumer.close();
    return false;
  }

  /** Publishes a new file version for the other instances and puts it in force here. */
  public void publish(RulesFileWatcher.Accepted file) {
    ProducerRecord<String, String> record = new ProducerRecord<>(Topics.RULES, KEY, file.text());
    record.headers().add(FROM, instance.getBytes(StandardCharsets.UTF_8));
    try {
      long offset = producer.send(record).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset();
      newestApplied.accumulateAndGet(offset, Math::max);
      rules.replace(file.rules());
      log.info("Rules {} published to {} for every instance", file.rules().version(), Topics.RULES);
    } catch (InterruptedException e) {
      rules.replace(file.rules());
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      rules.replace(file.rules());
      log.warn("Rules {} are in force here but could not be published to {} ({}): other instances keep theirs until the file "
          + "changes again or they restart", file.rules().version(), Topics.RULES, e.toString());
    }
  }

  private void follow() {
    try {
      while (stopping.getCount() > 0) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          if (KEY.equals(record.key()) && record.value() != null) {
            apply(record, "published by " + from(record));
          }
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("Stopped following {}: rules changed on other instances are not seen here; restart this instance", Topics.RULES, e);
    } finally {
      consumer.close();
    }
  }

  private void apply(ConsumerRecord<String, String> record, String source) {
    if (record.offset() < newestApplied.get()) {
      return; // older than what is in force here already
    }
    newestApplied.accumulateAndGet(record.offset(), Math::max);
    try {
      RuleSet next = RulesFile.parse(record.value());
      if (!next.version().equals(rules.current().version())) {
        rules.replace(next);
        log.info("Rules {} in force: {} rules, {}", next.version(), next.rules().size(), source);
      }
    } catch (RulesRefusedException e) {
      // Another release may accept what this one does not: keep what is in force, say so.
      log.warn("Rules {} refused here: {}; the rules in force ({}) stay", source, e.getMessage(), rules.current().version());
    }
  }

  private static String from(ConsumerRecord<String, String> record) {
    Header header = record.headers().lastHeader(FROM);
    return header == null ? "another instance" : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    stopping.countDown();
    if (consumer != null) {
      consumer.wakeup();
    }
    if (follower != null) {
      try {
        follower.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
