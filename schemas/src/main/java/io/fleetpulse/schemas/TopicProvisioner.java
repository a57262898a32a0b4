package io.fleetpulse.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates fleetpulse's topics at start-up, all device topics with the same partition count, and
 * refuses to run on existing topics whose partition counts differ: one device's records must sit on
 * the same partition number in every topic, or the streams would silently miss correlations.
 */
public final class TopicProvisioner {

  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  /** Brokers of a cluster started together register within seconds; a loaded machine has taken over a minute. */
  private static final Duration METADATA_PROPAGATION = Duration.ofSeconds(60);
  private static final Duration METADATA_RETRY = Duration.ofMillis(100);
  /** How long creating topics waits, by default, for as many brokers as the replication needs. */
  private static final Duration BROKERS_REGISTERED = Duration.ofMinutes(3);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

  private final int partitions;
  private final short replication;
  private final Duration brokersRegistered;

  public TopicProvisioner(int partitions, short replication) {
    this(partitions, replication, BROKERS_REGISTERED);
  }

  /** @param brokersRegistered how long to wait for as many brokers as {@code replication} before creating topics */
  TopicProvisioner(int partitions, short replication, Duration brokersRegistered) {
    if (partitions < 1 || replication < 1) {
      throw new IllegalArgumentException("partitions and replication must be at least 1");
    }
    this.partitions = partitions;
    this.replication = replication;
    this.brokersRegistered = brokersRegistered;
  }

  /** Creates what is missing and checks what exists. */
  public void provision(Admin admin) throws InterruptedException {
    List<NewTopic> wanted = new ArrayList<>();
    for (String topic : Topics.deviceTopics()) {
      wanted.add(newTopic(topic));
    }
    wanted.add(newTopic(Topics.COLLECTOR_CURSORS));
    wanted.add(newTopic(Topics.ALERTS_DEAD_LETTER));
    wanted.add(newTopic(Topics.COLLECTOR_PUSH_MARKS));
    wanted.add(newTopic(Topics.SILENCES));
    wanted.add(newTopic(Topics.RULES));
    Set<String> existing = get(admin.listTopics().names());
    List<NewTopic> missing = wanted.stream().filter(topic -> !existing.contains(topic.name())).toList();
    if (!missing.isEmpty()) {
      awaitBrokersForReplication(admin);
      admin.createTopics(missing).values().forEach((name, future) -> {
        try {
          future.get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("Cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      log.info("Created {} topics with {} partitions, replication {}", missing.size(), partitions, replication);
    }
    checkCoPartitioned(admin);
  }

  /**
   * Topics created while fewer brokers than their replication have registered fail outright
   * (INVALID_REPLICATION_FACTOR): a node of a cluster started together exited on it when it came up first.
   */
  private void awaitBrokersForReplication(Admin admin) throws InterruptedException {
    long start = System.nanoTime();
    long nextProgress = start + PROGRESS_EVERY.toNanos();
    int registered;
    while ((registered = get(admin.describeCluster().nodes()).size()) < replication) {
      long now = System.nanoTime();
      if (now - start > brokersRegistered.toNanos()) {
        throw new IllegalStateException("Only " + registered + " of the " + replication + " brokers that kafka.replication needs registered within "
            + brokersRegistered.toSeconds() + " s: start the other brokers, or lower kafka.replication");
      }
      if (now > nextProgress) {
        log.info("Waiting for {} of {} brokers to register before creating fleetpulse's topics with replication {}",
            replication - registered, replication, replication);
        nextProgress = now + PROGRESS_EVERY.toNanos();
      }
      Thread.sleep(METADATA_RETRY.toMillis() * 5);
    }
  }

  private NewTopic newTopic(String name) {
    Map<String, String> configs = new HashMap<>();
    if (Topics.compactedTopics().contains(name)) {
      configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
    if (replication >= 3) {
      // An acknowledged write is on two brokers, and one broker's loss still leaves the topic writable: what the
      // cluster crash runs prove, set here rather than left to the brokers' default (1).
      configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
    }
    // One record for all: the rules file has one partition, so its newest version is the last record.
    return new NewTopic(name, name.equals(Topics.RULES) ? 1 : partitions, replication).configs(configs);
  }

  private void checkCoPartitioned(Admin admin) throws InterruptedException {
    Map<String, TopicDescription> descriptions = describeDeviceTopics(admin);
    List<String> mismatched = descriptions.values().stream()
        .filter(description -> description.partitions().size() != partitions)
        .map(description -> description.name() + " has " + description.partitions().size())
        .toList();
    if (!mismatched.isEmpty()) {
      throw new IllegalStateException("Device topics must all have " + partitions + " partitions, but " + String.join(", ", mismatched)
          + ". Set kafka.partitions to the existing count, or add partitions to every device topic with kafka-topics --alter.");
    }
  }

  /**
   * Topics just created may not be in the answering broker's metadata yet ("does not host this
   * topic-partition"): asked again for a few seconds before that is an error.
   */
  private static Map<String, TopicDescription> describeDeviceTopics(Admin admin) throws InterruptedException {
    long giveUpAt = System.nanoTime() + METADATA_PROPAGATION.toNanos();
    while (true) {
      try {
        return admin.describeTopics(Topics.deviceTopics()).allTopicNames().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > giveUpAt) {
          throw new IllegalStateException("Kafka admin request failed: " + e.getCause().getMessage(), e.getCause());
        }
        Thread.sleep(METADATA_RETRY.toMillis());
      }
    }
  }

  private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("Kafka admin request failed: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
