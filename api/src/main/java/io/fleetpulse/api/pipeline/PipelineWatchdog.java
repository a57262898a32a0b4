package io.fleetpulse.api.pipeline;

import io.fleetpulse.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.fleetpulse.api.pipeline.TransactionInspector.Ending;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure no part of the fleet silently stops being watched. Exactly-once reading (read_committed)
 * stops at the first open transaction of a partition; if that transaction never ends (a producer killed
 * with a transaction the broker does not abort, a hanging transaction whose marker never reached the
 * partition), everything behind it is invisible to the streams while the collector keeps answering 202.
 *
 * <p>Every {@code interval}, for each partition of fleetpulse's topics and the {@code __consumer_offsets}
 * partition of the streams' consumer group (where their offsets are committed in the same transactions),
 * the watchdog compares the last
 * stable offset with the high watermark. A partition whose last stable offset has not moved for
 * {@code stallAfter} while records wait behind it is stalled: it is reported ({@code /readyz},
 * {@code fleetpulse_pipeline_stalled_partitions}, an ERROR line), and unless {@code abortHanging} is off,
 * the transaction holding it is found ({@code describeProducers}) and ended: committed when its coordinator
 * had decided to commit it (its marker was lost), aborted otherwise ({@link TransactionInspector#end});
 * each is logged with topic, partition, producer and offsets, and counted. A transaction its coordinator
 * has already finished with (it logged a decision naming the partition, no marker is pending) will
 * never end by itself; it is ended after {@link #STRANDED_AFTER} instead, before it counts as stalled.
 *
 * <p>It also reports how far the streams are behind what they may read (read_committed lag per topic) and
 * how long ago each stage last advanced.
 */
public final class PipelineWatchdog implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PipelineWatchdog.class);

  /**
   * @param bootstrap Kafka
   * @param applicationId the streams application: its consumer group's lag is reported
   * @param topicPrefixes the topics watched: fleetpulse's own ({@link #topicPrefixes(String)})
   * @param interval how often partitions are checked
   * @param stallAfter how long a last stable offset may stand still with records behind it: longer than
   *     fleetpulse's longest transaction timeout plus a margin, so a healthy transaction is never taken for a stall
   * @param abortHanging abort the transaction holding a stalled partition; false only reports it
   * @param maxProcessingDelay how stale device health may get (the oldest accepted entry not yet processed) before
   *     it is a problem in /readyz
   */
  public record Settings(String bootstrap, String applicationId, List<String> topicPrefixes, Duration interval, Duration stallAfter,
                         boolean abortHanging, Duration maxProcessingDelay) {

    /** With the default bound on the processing delay. */
    public Settings(String bootstrap, String applicationId, List<String> topicPrefixes, Duration interval, Duration stallAfter,
                    boolean abortHanging) {
      this(bootstrap, applicationId, topicPrefixes, interval, stallAfter, abortHanging, DEFAULT_MAX_PROCESSING_DELAY);
    }
  }

  /**
   * How long a partition may be held before the watchdog asks whether Kafka itself has given up on the
   * transaction holding it (a stranded one, {@link TransactionInspector#stranded}): markers take
   * milliseconds, a restarted coordinator's a few seconds. Ended then rather than at the stall limit,
   * as the devices of that partition wait meanwhile.
   */
  static final Duration STRANDED_AFTER = Duration.ofSeconds(10);

  /** Two minutes: well past a restart's catching up, well before anyone trusts a stale page. */
  public static final Duration DEFAULT_MAX_PROCESSING_DELAY = Duration.ofMinutes(2);

  /** fleetpulse's topics ({@code fleet.*}) and the streams application's own (changelogs, repartition topics). */
  public static List<String> topicPrefixes(String applicationId) {
    return List.of("fleet.", applicationId + "-");
  }

  private final Settings settings;
  private final Clock clock;
  private final Admin admin;
  private final TransactionInspector inspector;
  private final ScheduledExecutorService scheduler;
  private final MeterRegistry registry;
  private final Map<TopicPartition, Progress> progress = new HashMap<>();
  private final Map<String, AtomicLong> lagByTopic = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> pendingByTopic = new ConcurrentHashMap<>();
  private final Set<TopicPartition> reported = new HashSet<>();
  private final Counter aborted;
  private final Counter committed;
  private final Counter abortFailures;
  private final Counter committedDropped;
  private final Counter checkFailures;
  private volatile List<StalledPartition> stalled = List.of();
  private final List<Consumer<List<StalledPartition>>> listeners = new CopyOnWriteArrayList<>();
  private volatile Instant ingestAdvanced;
  private volatile Instant streamsAdvanced;
  private volatile Duration processingDelay = Duration.ZERO;
  private final ProcessingDelay delay;
  private Map<String, Long> lastLag = Map.of();

  /**
   * Since when a partition's read_committed readers have waited at {@code lastStable}: since it last moved, or since
   * records began to wait behind it, whichever came later.
   */
  private record Progress(long lastStable, long pending, Instant since) {}

  public PipelineWatchdog(Settings settings, MeterRegistry registry) {
    this(settings, registry, Clock.systemUTC());
  }

  PipelineWatchdog(Settings settings, MeterRegistry registry, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.registry = registry;
    this.admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap(),
        AdminClientConfig.CLIENT_ID_CONFIG, "fleetpulse-pipeline-watchdog",
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
    this.inspector = new TransactionInspector(admin, Duration.ofSeconds(15));
    this.delay = new ProcessingDelay(settings.bootstrap());
    Gauge.builder("fleetpulse_pipeline_processing_delay_seconds", () -> processingDelay.toMillis() / 1000.0)
        .description("How stale device health is at worst: the age of the oldest accepted entry the streams have not processed yet")
        .register(registry);
    this.ingestAdvanced = clock.instant();
    this.streamsAdvanced = clock.instant();
    Gauge.builder("fleetpulse_pipeline_stalled_partitions", () -> stalled.size())
        .description("Partitions whose read_committed readers have been stuck behind an open transaction for longer than the stall limit")
        .register(registry);
    Gauge.builder("fleetpulse_pipeline_seconds_since_advance", () -> secondsSince(ingestAdvanced)).tag("stage", "collector")
        .description("Seconds since a journal or disk-sample partition last became readable further (read_committed)")
        .register(registry);
    Gauge.builder("fleetpulse_pipeline_seconds_since_advance", () -> secondsSince(streamsAdvanced)).tag("stage", "streams")
        .description("Seconds since the streams last committed progress on their input, or were caught up")
        .register(registry);
    this.aborted = Counter.builder("fleetpulse_pipeline_transactions_aborted_total")
        .description("Transactions the watchdog aborted because they held a partition stalled").register(registry);
    this.committed = Counter.builder("fleetpulse_pipeline_transactions_committed_total")
        .description("Stalling transactions the watchdog committed: their coordinator had decided to commit, their marker never arrived")
        .register(registry);
    this.abortFailures = Counter.builder("fleetpulse_pipeline_abort_failures_total")
        .description("Aborts of stalling transactions Kafka refused (ACLs) or that failed").register(registry);
    this.committedDropped = Counter.builder("fleetpulse_pipeline_committed_transactions_aborted_total")
        .description("Stalling transactions whose coordinator had decided to commit, aborted because their COMMIT marker "
            + "could not be written: acknowledged records dropped")
        .register(registry);
    this.checkFailures = Counter.builder("fleetpulse_pipeline_check_failures_total")
        .description("Watchdog rounds that could not ask Kafka").register(registry);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "pipeline-watchdog");
      thread.setDaemon(true);
      return thread;
    });
  }

  public PipelineWatchdog start() {
    scheduler.scheduleWithFixedDelay(this::checkSafely, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
    log.info("Pipeline watchdog: checking every {} ms for partitions stalled over {} s ({})", settings.interval().toMillis(),
        settings.stallAfter().toSeconds(), settings.abortHanging() ? "aborting their transactions" : "reporting only");
    return this;
  }

  /** The partitions stalled at the last check. */
  public List<StalledPartition> stalled() {
    return stalled;
  }

  /** Whether stalling transactions are aborted without an operator (pipeline.abortHanging). */
  public boolean abortsAutomatically() {
    return settings.abortHanging();
  }

  /** The stalled partitions, one line each: answers that are incomplete until the pipeline is healed. */
  public List<String> stalledProblems() {
    return stalled.stream().map(StalledPartition::describe).toList();
  }

  /** How far behind device health is, when over the limit: answers that are stale until the streams catch up. */
  public List<String> delayProblems() {
    Duration delay = processingDelay;
    if (delay.compareTo(settings.maxProcessingDelay()) <= 0) {
      return List.of();
    }
    return List.of("device health is " + delay.toSeconds() + " s behind: the streams have not processed entries accepted "
        + delay.toSeconds() + " s ago (over " + settings.maxProcessingDelay().toSeconds() + " s); see "
        + "fleetpulse_pipeline_read_committed_lag for where");
  }

  /** The age of the oldest entry accepted but not processed yet, at the last check. */
  public Duration processingDelay() {
    return processingDelay;
  }

  private void checkSafely() {
    try {
      check();
    } catch (KafkaException | IllegalStateException e) {
      checkFailures.increment();
      log.warn("Pipeline watchdog could not check Kafka this round: {}", e.getMessage());
    }
  }

  /** One round: offsets, stalls (and their aborts), lag. */
  void check() {
    Instant now = clock.instant();
    List<TopicPartition> partitions = new ArrayList<>(inspector.partitions(this::isWatched));
    // The streams commit their input offsets in the same transactions: one left open there stalls them too.
    inspector.offsetsPartition(settings.applicationId()).ifPresent(partitions::add);
    Map<TopicPartition, PartitionOffsets> offsets = inspector.offsets(partitions);
    List<StalledPartition> found = new ArrayList<>();
    List<StalledPartition> held = new ArrayList<>();
    Map<String, Long> pending = new HashMap<>();
    for (PartitionOffsets current : offsets.values()) {
      pending.merge(current.partition().topic(), current.pending(), Long::sum);
      Progress last = progress.get(current.partition());
      boolean moved = last == null || last.lastStable() != current.lastStable();
      if (moved && last != null && isIngest(current.partition().topic())) {
        ingestAdvanced = now;
      }
      // A quiet partition's last stable offset stands still with nothing behind it: a transaction that opens there
      // after minutes of quiet has waited no time at all (the cluster crash runs saw live ones aborted as "stalled").
      boolean beganWaiting = !moved && last.pending() == 0;
      Progress waiting = new Progress(current.lastStable(), current.pending(), moved || beganWaiting ? now : last.since());
      progress.put(current.partition(), waiting);
      if (moved || beganWaiting) {
        continue;
      }
      Duration still = Duration.between(waiting.since(), now);
      if (current.pending() > 0 && still.compareTo(settings.stallAfter()) >= 0) {
        found.add(new StalledPartition(current, still, inspector.holder(current)));
      } else if (current.pending() > 0 && still.compareTo(STRANDED_AFTER) >= 0) {
        held.add(new StalledPartition(current, still, inspector.holder(current)));
      }
    }
    if (settings.abortHanging()) {
      held.stream().filter(partition -> partition.holder().filter(inspector::stranded).isPresent()).forEach(this::end);
    }
    progress.keySet().retainAll(offsets.keySet());
    publish(pending, pendingByTopic, "fleetpulse_pipeline_pending_records",
        "Records written but not yet readable by read_committed readers (behind an open transaction)");
    stalled = List.copyOf(found);
    Set<TopicPartition> stalledNow = new HashSet<>();
    for (StalledPartition partition : found) {
      stalledNow.add(partition.offsets().partition());
      heal(partition);
    }
    reported.stream().filter(partition -> !stalledNow.contains(partition))
        .forEach(partition -> log.info("Partition {} advances again", partition));
    reported.retainAll(stalledNow);
    measureLag(offsets, now);
    listeners.forEach(listener -> listener.accept(stalled));
  }

  /** {@code listener} gets the stalled partitions after every round (on the watchdog's thread). */
  public PipelineWatchdog onCheck(Consumer<List<StalledPartition>> listener) {
    listeners.add(listener);
    return this;
  }

  private void heal(StalledPartition partition) {
    boolean first = reported.add(partition.offsets().partition());
    Optional<OpenTransaction> holder = partition.holder();
    if (holder.isPresent() && !settings.abortHanging()) {
      if (first) {
        log.error("Pipeline stalled: {}. Automatic abort is off (pipeline.abortHanging=false): POST "
            + "/api/v1/pipeline/stalled/abort with an admin token, run ./fleetpulse doctor --abort-hanging, or kafka-transactions.sh "
            + "abort --topic {} --partition {} --start-offset {}", partition.describe(), partition.offsets().partition().topic(),
            partition.offsets().partition().partition(), holder.get().startOffset());
      }
      return;
    }
    Outcome outcome = end(partition);
    if (!outcome.healed() && first) {
      log.error("Pipeline stalled: {}; not healed: {}", partition.describe(), outcome.reason());
    }
  }

  /**
   * What became of a stalled partition's transaction when ending it was tried.
   *
   * @param ending how it was ended; empty when it was not
   */
  public record Outcome(StalledPartition partition, Optional<Ending> ending, String reason) {

    /** Whether the partition was freed. */
    public boolean healed() {
      return ending.isPresent();
    }
  }

  /**
   * Ends, now, the transaction holding each partition found stalled at the last check, whether or not
   * automatic healing is on: an operator's decision (the admin API). Runs between checks, on the
   * watchdog's thread.
   */
  public CompletableFuture<List<Outcome>> endStalledNow() {
    return CompletableFuture.supplyAsync(() -> {
      List<Outcome> outcomes = stalled.stream().map(this::end).toList();
      outcomes.forEach(outcome -> log.warn("Operator asked to end the transaction stalling {}: {}",
          outcome.partition().offsets().partition(), outcome.reason()));
      return outcomes;
    }, scheduler);
  }

  private Outcome end(StalledPartition partition) {
    Optional<OpenTransaction> holder = partition.holder();
    if (holder.isEmpty()) {
      return new Outcome(partition, Optional.empty(), "no open transaction is reported there; check the broker's logs for that partition");
    }
    OpenTransaction transaction = holder.get();
    if (partition.offsets().partition().topic().equals(Topic.GROUP_METADATA_TOPIC_NAME)) {
      // __consumer_offsets is shared with every other application of the cluster: leave their transactions alone.
      Optional<String> owner = inspector.transactionalId(transaction.producerId());
      if (owner.filter(id -> !id.startsWith(settings.applicationId() + "-")).isPresent()) {
        return new Outcome(partition, Optional.empty(), "held by another application's transaction (" + owner.get() + "); left to its owner");
      }
    }
    String what = "the transaction of producer " + transaction.producerId() + " (epoch " + transaction.producerEpoch() + ") on "
        + transaction.partition() + " open since offset " + transaction.startOffset();
    String where = " (last stable offset " + partition.offsets().lastStable() + ", high watermark " + partition.offsets().highWatermark()
        + ", stuck " + partition.stalledFor().toSeconds() + " s)";
    try {
      TransactionInspector.Ended ended = inspector.end(transaction);
      switch (ended.ending()) {
        case COMMITTED -> {
          committed.increment();
          log.warn("Pipeline stalled and healed: committed {}{}. Its coordinator had decided to commit it and its commit marker "
              + "never reached the partition; its records are readable now", what, where);
        }
        case ABORTED -> {
          aborted.increment();
          log.warn("Pipeline stalled and healed: aborted {}{}; its producer never finished it, its records are dropped for "
              + "read_committed readers, and devices re-send what was not answered 202", what, where);
        }
        case ABORTED_THOUGH_COMMITTED -> {
          aborted.increment();
          committedDropped.increment();
          log.error("Pipeline stalled and healed by dropping acknowledged records: aborted {}{}. Its coordinator had decided to "
              + "commit it, but its COMMIT marker could not be written ({}): the records from offset {} may have been answered "
              + "202 and are lost for the streams. Grant fleetpulse CLUSTER_ACTION and a PLAINTEXT listener so it can commit instead",
              what, where, ended.commitFailure(), transaction.startOffset());
        }
      }
      return new Outcome(partition, Optional.of(ended.ending()), (ended.ending() == Ending.COMMITTED ? "committed " : "aborted ") + what);
    } catch (KafkaException e) {
      abortFailures.increment();
      return new Outcome(partition, Optional.empty(), "ending it failed (" + e.getMessage() + "). Grant fleetpulse WRITE on the topic "
          + "(and cluster ACTION where required) or run kafka-transactions.sh abort as an administrator");
    }
  }

  /** read_committed lag of the streams' consumer group per input topic, and whether the streams advanced. */
  private void measureLag(Map<TopicPartition, PartitionOffsets> offsets, Instant now) {
    Map<TopicPartition, Long> committed = inspector.committedOffsets(settings.applicationId());
    Map<String, Long> lag = TransactionInspector.readCommittedLag(committed, offsets);
    Map<TopicPartition, Long> unprocessed = new HashMap<>();
    offsets.values().stream().filter(current -> isIngest(current.partition().topic()))
        .filter(current -> committed.containsKey(current.partition()) && committed.get(current.partition()) < current.lastStable())
        .forEach(current -> unprocessed.put(current.partition(), committed.get(current.partition())));
    processingDelay = delay.measure(unprocessed, now);
    publish(lag, lagByTopic, "fleetpulse_pipeline_read_committed_lag",
        "Records the streams may read (read_committed) but have not processed yet, per input topic");
    if (!lag.equals(lastLag) || lag.values().stream().allMatch(behind -> behind == 0)) {
      streamsAdvanced = now;
    }
    lastLag = lag;
  }

  private void publish(Map<String, Long> values, Map<String, AtomicLong> gauges, String name, String description) {
    gauges.forEach((topic, gauge) -> gauge.set(values.getOrDefault(topic, 0L)));
    values.forEach((topic, value) -> gauges.computeIfAbsent(topic, key -> {
      AtomicLong gauge = new AtomicLong();
      Gauge.builder(name, gauge, AtomicLong::get).tag("topic", key).description(description).register(registry);
      return gauge;
    }).set(value));
  }

  private boolean isWatched(String topic) {
    return settings.topicPrefixes().stream().anyMatch(topic::startsWith);
  }

  private static boolean isIngest(String topic) {
    return topic.startsWith(Topics.JOURNAL_PREFIX) || topic.equals(Topics.METRICS_DISK);
  }

  private double secondsSince(Instant instant) {
    return Duration.between(instant, clock.instant()).toMillis() / 1000.0;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admin.close(Duration.ofSeconds(5));
    delay.close();
  }
}
