package io.fleetpulse.bench;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.TopicProvisioner;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.FleetStreams;
import io.fleetpulse.streams.StreamsSettings;
import io.fleetpulse.streams.journal.DeviceJournalStore;
import io.fleetpulse.streams.journal.JournalRetention;
import io.fleetpulse.streams.rules.RulesInForce;
import io.fleetpulse.streams.extract.JournalSourceDeserializer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The pipeline benchmark: entries/s through the whole topology (exactly-once) over journal topics
 * pre-loaded with a 1,000-device fleet's traffic, next to a plain KafkaConsumer reading the same topics
 * in the same run (the ceiling); then end-to-end latency from an entry's produce acknowledgement (the
 * collector's "push accepted") to its alert on {@code fleet.alerts}, at a steady rate.
 */
final class PipelineBenchmark {

  static final int DEVICES = 1_000;
  private static final int PARTITIONS = 6;
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
  /** One more device's engine is killed twice this often during the latency run: one sample each. */
  private static final Duration KILL_EVERY = Duration.ofMillis(100);
  private static final Duration DRAIN = Duration.ofSeconds(10);


  /**
   * What to run: {@code commitIntervalMs} null keeps fleetpulse's production setting; {@code streamsConfig}
   * overrides any other Kafka Streams setting for both runs (to compare configurations in one harness).
   */
  record Settings(int entries, int rate, int warmUpSeconds, int seconds, Integer commitIntervalMs, int threads,
      Map<String, String> streamsConfig, int brokers, int journalLines, int rules) {
    Settings {
      streamsConfig = Map.copyOf(streamsConfig);
      if (entries < DEVICES || rate <= 0 || warmUpSeconds < 0 || seconds <= 0 || threads <= 0
          || (commitIntervalMs != null && commitIntervalMs <= 0) || brokers <= 0) {
        throw new IllegalArgumentException("need --entries >= " + DEVICES + " (one per device), and a positive --rate, --seconds, "
            + "--threads, --brokers and --commit-interval, and a --warm-up of 0 or more");
      }
    }

    int effectiveCommitIntervalMs() {
      return commitIntervalMs != null ? commitIntervalMs : FleetStreams.COMMIT_INTERVAL_MS;
    }

    Map<String, Object> overrides(Map<String, Object> more) {
      Map<String, Object> overrides = new HashMap<>(more);
      overrides.putAll(streamsConfig);
      overrides.put("num.stream.threads", threads);
      if (commitIntervalMs != null) {
        overrides.put("commit.interval.ms", commitIntervalMs);
      }
      return overrides;
    }
  }

  private final Settings settings;
  private final PrintStream console;
  private final FleetTraffic traffic = new FleetTraffic();

  PipelineBenchmark(Settings settings, PrintStream console) {
    this.settings = settings;
    this.console = console;
  }

  Result run() throws Exception {
    Path dir = Files.createTempDirectory("fleetpulse-bench-pipeline");
    try (BenchKafka cluster = BenchKafka.start(dir.resolve("kafka"), settings.brokers());
        Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      String kafka = cluster.bootstrapServers();
      console.printf(Locale.ROOT, "Kafka: %s on %s%n", cluster.describe(), kafka);
      new TopicProvisioner(PARTITIONS, cluster.replication()).provision(admin);
      preload(kafka, admin);
      Side raw = rawRead(kafka);
      Side floor = streamsFloor(kafka, admin, dir.resolve("streams-floor"));
      Side topology = pipeline(kafka, admin, dir.resolve("streams-throughput"), "bench-pipeline", RulesInForce.none());
      long journalBytes = bytesUnder(dir.resolve("streams-throughput"), DeviceJournalStore.LINES);
      Side withRules = settings.rules() == 0 ? null
          : pipeline(kafka, admin, dir.resolve("streams-rules"), "bench-pipeline-rules", new RulesInForce(BenchRules.of(settings.rules())));
      Latency latency = latency(kafka, dir.resolve("streams-latency"));
      return new Result(settings, raw, floor, topology, withRules, latency, journalBytes);
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** The bytes of the RocksDB files of store {@code store} under a (closed) Kafka Streams state directory. */
  private static long bytesUnder(Path stateDir, String store) throws IOException {
    if (!Files.exists(stateDir)) {
      return 0;
    }
    try (Stream<Path> paths = Files.walk(stateDir)) {
      return paths.filter(Files::isRegularFile).filter(path -> path.toString().contains("/" + store + "/")).mapToLong(path -> path.toFile().length())
          .sum();
    }
  }

  /** The journal topics filled with an hour of the fleet's traffic, every entry acknowledged. */
  private void preload(String kafka, Admin admin) throws Exception {
    Instant start = Instant.now().minus(Duration.ofHours(1));
    AtomicReference<Exception> failed = new AtomicReference<>();
    try (KafkaProducer<String, JournalEntry> producer = producer(kafka)) {
      for (int i = 0; i < settings.entries(); i++) {
        JournalEntry entry = traffic.entry(i % DEVICES, i / DEVICES, start.plusMillis(i * 3_600_000L / settings.entries()));
        producer.send(record(entry), (metadata, error) -> {
          if (error != null) {
            failed.compareAndSet(null, error);
          }
        });
      }
    }
    if (failed.get() != null) {
      throw new IllegalStateException("pre-loading the journal topics failed", failed.get());
    }
    long loaded = endOffsets(admin).values().stream().mapToLong(Long::longValue).sum();
    if (loaded != settings.entries()) {
      throw new IllegalStateException("pre-loaded " + loaded + " entries instead of " + settings.entries());
    }
    console.printf(Locale.ROOT, "pre-loaded %,d entries from %,d devices on %d partitions per topic%n", settings.entries(), DEVICES, PARTITIONS);
  }

  /** The ceiling: one consumer reading every journal topic from the beginning, bytes only. */
  private Side rawRead(String kafka) {
    String reader = Thread.currentThread().getName();
    ThreadCpu cpu = ThreadCpu.of(name -> name.equals(reader) || name.contains("bench-raw"));
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
        ConsumerConfig.GROUP_ID_CONFIG, "bench-raw",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(Topics.journalTopics());
      SteadyRate rate = new SteadyRate(settings.entries());
      long count = 0;
      while (count < settings.entries()) {
        count += consumer.poll(Duration.ofMillis(200)).count();
        rate.progress(count);
      }
      Side side = new Side(rate.perSecond(), cpu.microsSinceStart() / count);
      console.printf(Locale.ROOT, "plain KafkaConsumer: %,d entries at %,.0f entries/s, %.1f µs CPU per entry%n", count, side.perSecond(),
          side.cpuMicrosPerEntry());
      return side;
    }
  }

  /** The topology, with {@code rules}, from RUNNING until its committed offsets reach the end of every journal partition. */
  private Side pipeline(String kafka, Admin admin, Path stateDir, String applicationId, RulesInForce rules) throws Exception {
    String label = rules.current().rules().isEmpty() ? "fleetpulse topology" : "fleetpulse topology with " + rules.current().rules().size() + " rules";
    try (FleetStreams streams = new FleetStreams(streamsSettings(kafka, applicationId, stateDir), new SimpleMeterRegistry(), rules)) {
      return untilCommitted(label, applicationId, streams.kafkaStreams(), admin);
    }
  }

  /**
   * The framework's floor: Kafka Streams with fleetpulse's configuration, reading the same topics
   * through the same journal deserializer into a processor that does nothing. What the topology costs
   * beyond it is the detection itself.
   */
  private Side streamsFloor(String kafka, Admin admin, Path stateDir) throws Exception {
    String applicationId = "bench-floor";
    Topology nothing = new Topology();
    nothing.addSource("journal", new StringDeserializer(), new JournalSourceDeserializer(), Topics.journalTopics().toArray(String[]::new));
    nothing.addProcessor("nothing", Discard::new, "journal");
    try (KafkaStreams streams = new KafkaStreams(nothing, FleetStreams.properties(streamsSettings(kafka, applicationId, stateDir)))) {
      return untilCommitted("Kafka Streams, no-op processor", applicationId, streams, admin);
    }
  }

  /** Takes every entry and does nothing with it. */
  private static final class Discard implements Processor<String, JournalEntry, Void, Void> {
    @Override
    public void process(Record<String, JournalEntry> record) {
      // The floor measures what reaching this point costs.
    }
  }

  private StreamsSettings streamsSettings(String kafka, String applicationId, Path stateDir) {
    return StreamsSettings.of(kafka, applicationId, stateDir)
        .withJournal(new JournalRetention(settings.journalLines(), JournalRetention.DEFAULT.age()))
        .withOverrides(settings.overrides(Map.of(StreamsConfig.REPLICATION_FACTOR_CONFIG, Math.min(3, settings.brokers()))));
  }

  private Side untilCommitted(String label, String applicationId, KafkaStreams streams, Admin admin) throws Exception {
    ThreadCpu cpu = ThreadCpu.of(name -> name.contains(applicationId));
    Map<TopicPartition, Long> ends = endOffsets(admin);
    streams.start();
    waitFor(label + " to be RUNNING", Duration.ofMinutes(2), () -> streams.state() == KafkaStreams.State.RUNNING);
    long began = System.nanoTime();
    long lastReport = began;
    SteadyRate rate = new SteadyRate(settings.entries());
    long committed = 0;
    while (committed < settings.entries()) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      committed = committedEntries(admin, applicationId, ends);
      rate.progress(committed);
      if (System.nanoTime() - lastReport >= PROGRESS_EVERY.toNanos()) {
        lastReport = System.nanoTime();
        console.printf(Locale.ROOT, "  %s: %,d of %,d entries committed (%,.0f entries/s so far)%n", label, committed, settings.entries(),
            committed / seconds(began));
      }
    }
    Side side = new Side(rate.perSecond(), cpu.microsSinceStart() / settings.entries());
    console.printf(Locale.ROOT, "%s (exactly_once_v2, %d threads, commit every %d ms): %,d entries at %,.0f entries/s, "
        + "%.1f µs CPU per entry%n", label, settings.threads(), settings.effectiveCommitIntervalMs(), settings.entries(), side.perSecond(),
        side.cpuMicrosPerEntry());
    return side;
  }

  /**
   * Entries/s once warmed up: from the first tenth of the entries done (JIT compilation, group join,
   * task assignment and store creation behind) to the last. Both sides are measured the same way. A run
   * too small to see progress after its first tenth is measured whole.
   */
  private static final class SteadyRate {
    private final long total;
    private final long startedAt = System.nanoTime();
    private long markedAt;
    private long markedCount = -1;
    private long lastAt;
    private long lastCount;

    SteadyRate(long total) {
      this.total = total;
    }

    void progress(long done) {
      long now = System.nanoTime();
      if (markedCount < 0 && done >= total / 10) {
        markedAt = now;
        markedCount = done;
      }
      lastAt = now;
      lastCount = done;
    }

    double perSecond() {
      return lastAt > markedAt && lastCount > markedCount
          ? (lastCount - markedCount) / ((lastAt - markedAt) / 1e9)
          : lastCount / ((lastAt - startedAt) / 1e9);
    }
  }

  /**
   * A steady rate of entries from all devices; every {@link #KILL_EVERY} one more device's engine is
   * killed twice, 30 s apart (device time), and the time from the second kill's acknowledgement to its
   * CRASHLOOP on fleet.alerts is one latency sample.
   */
  private Latency latency(String kafka, Path stateDir) throws Exception {
    Map<String, Long> ackedAt = new ConcurrentHashMap<>();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean reading = new AtomicBoolean(true);
    // This instance starts at the end of the pre-loaded topics: it measures steady state, not catching up.
    try (FleetStreams streams = new FleetStreams(streamsSettings(kafka, "bench-latency", stateDir)
            .withOverrides(settings.overrides(Map.of("consumer.auto.offset.reset", "latest"))), new SimpleMeterRegistry());
        KafkaConsumer<String, Alert> alerts = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
            ConsumerConfig.GROUP_ID_CONFIG, "bench-alerts",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), FleetSerdes.alert().deserializer());
        KafkaProducer<String, JournalEntry> producer = producer(kafka)) {
      streams.start();
      waitFor("the latency run's streams to be RUNNING", Duration.ofMinutes(2), streams::isRunning);
      alerts.subscribe(List.of(Topics.ALERTS));
      while (alerts.assignment().isEmpty()) {
        alerts.poll(Duration.ofMillis(100));
      }
      Thread reader = new Thread(() -> {
        try {
          while (reading.get()) {
            for (ConsumerRecord<String, Alert> record : alerts.poll(Duration.ofMillis(20))) {
              Alert alert = record.value();
              Long acked = ackedAt.remove(alert.getDeviceUuid() + "|" + alert.getStartedAt().toEpochMilli());
              if (acked != null && alert.getKind() == AlertKind.CRASHLOOP && alert.getState() == AlertState.FIRING) {
                latencies.add(System.currentTimeMillis() - acked);
              }
            }
          }
        } catch (WakeupException stopped) {
          // the run is over
        }
      }, "bench-alert-reader");
      reader.start();

      long sent = offerSteadyTraffic(producer, ackedAt);
      long drainUntil = System.nanoTime() + DRAIN.toNanos();
      while (System.nanoTime() < drainUntil && !ackedAt.isEmpty()) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
      reading.set(false);
      alerts.wakeup();
      reader.join();
      console.printf(Locale.ROOT, "latency run: %,d entries at %,d entries/s, %d alerts measured, %d not within %d s after the run%n",
          sent, settings.rate(), latencies.size(), ackedAt.size(), DRAIN.toSeconds());
      return new Latency(new ArrayList<>(latencies), ackedAt.size());
    }
  }

  /** Sends the steady traffic and the engine kills; returns how many entries were sent. */
  private long offerSteadyTraffic(KafkaProducer<String, JournalEntry> producer, Map<String, Long> ackedAt) {
    long seq = 10_000_000L;
    long began = System.nanoTime();
    long warmUpNanos = TimeUnit.SECONDS.toNanos(settings.warmUpSeconds());
    long runNanos = warmUpNanos + TimeUnit.SECONDS.toNanos(settings.seconds());
    long sent = 0;
    int crashing = DEVICES;
    long nextKill = warmUpNanos;
    long nextReport = PROGRESS_EVERY.toNanos();
    while (System.nanoTime() - began < runNanos) {
      long elapsed = System.nanoTime() - began;
      long due = elapsed * settings.rate() / 1_000_000_000L;
      Instant now = Instant.now();
      for (; sent < due; sent++) {
        JournalEntry entry = traffic.entry((int) (sent % DEVICES), seq++, now);
        producer.send(new ProducerRecord<>(Topics.journalTopicFor(entry.getUnit()), null, now.toEpochMilli(), entry.getDeviceUuid(), entry));
      }
      if (elapsed >= nextKill) {
        nextKill += KILL_EVERY.toNanos();
        int device = crashing++;
        producer.send(record(traffic.engineKill(device, seq++, now.minusSeconds(30))));
        JournalEntry second = traffic.engineKill(device, seq++, now);
        String key = second.getDeviceUuid() + "|" + now.minusSeconds(30).toEpochMilli();
        producer.send(record(second), (metadata, error) -> {
          if (error == null) {
            ackedAt.put(key, System.currentTimeMillis());
          }
        });
      }
      if (elapsed >= nextReport) {
        nextReport += PROGRESS_EVERY.toNanos();
        console.printf(Locale.ROOT, "  latency run: %d of %d s (the first %d s warm-up, no kills), %,d entries sent%n",
            TimeUnit.NANOSECONDS.toSeconds(elapsed), TimeUnit.NANOSECONDS.toSeconds(runNanos), settings.warmUpSeconds(), sent);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // pacing the fixed-rate producer, as a load generator does
    }
    return sent;
  }

  private static ProducerRecord<String, JournalEntry> record(JournalEntry entry) {
    return new ProducerRecord<>(Topics.journalTopicFor(entry.getUnit()), null, entry.getReceivedAt().toEpochMilli(), entry.getDeviceUuid(), entry);
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (String topic : Topics.journalTopics()) {
      for (int p = 0; p < PARTITIONS; p++) {
        request.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
    }
    return admin.listOffsets(request).all().get().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** Entries whose processing the group has committed, each partition counted up to its pre-loaded end. */
  private static long committedEntries(Admin admin, String group, Map<TopicPartition, Long> ends) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    long total = 0;
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      OffsetAndMetadata offset = committed.get(end.getKey());
      // Under exactly-once the committed offset may sit one past the last record (the commit marker).
      total += offset == null ? 0 : Math.min(offset.offset(), end.getValue());
    }
    return total;
  }

  private static void waitFor(String what, Duration atMost, BooleanSupplier condition) {
    long giveUpAt = System.nanoTime() + atMost.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > giveUpAt) {
        throw new IllegalStateException("gave up waiting for " + what + " after " + atMost.toSeconds() + " s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }

  private static KafkaProducer<String, JournalEntry> producer(String kafka) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
        ProducerConfig.ACKS_CONFIG, "all",
        // The idempotent producer got stuck in OUT_OF_ORDER_SEQUENCE_NUMBER retries on freshly created
        // partitions here; one request in flight keeps order without it, and the loaded count is checked.
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
        // A loaded 2-core machine answers slowly; a batch must not expire while it waits.
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 120_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000,
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), FleetSerdes.journalEntry().serializer());
  }

  /** One side's rate, and the CPU its own threads spent per entry (robust where the machine is shared). */
  record Side(double perSecond, double cpuMicrosPerEntry) {}

  /** Produce-ack → alert latencies (ms) of the alerts that arrived, and how many did not. */
  record Latency(List<Long> millis, int missing) {

    long percentile(double percentile) {
      List<Long> sorted = new ArrayList<>(millis);
      Collections.sort(sorted);
      return sorted.isEmpty() ? -1 : sorted.get((int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(percentile / 100 * sorted.size()) - 1)));
    }

    String describe() {
      return millis.isEmpty()
          ? String.format(Locale.ROOT, "no alert arrived (%d missing)", missing)
          : String.format(Locale.ROOT, "p50 %d ms, p99 %d ms, max %d ms (%d alerts, %d missing)", percentile(50), percentile(99),
              percentile(100), millis.size(), missing);
    }
  }

  /** @param journalBytes the journal store's RocksDB files after the throughput run (0 with the store off) */
  /** @param withRules the topology again with {@code --rules} rules in force (null without) */
  record Result(Settings settings, Side raw, Side floor, Side topology, Side withRules, Latency latency, long journalBytes) {

    double ratio() {
      return topology.perSecond() / raw.perSecond();
    }

    double cpuRatio() {
      return raw.cpuMicrosPerEntry() / topology.cpuMicrosPerEntry();
    }

    String table() {
      return String.format(Locale.ROOT, """
          | figure | fleetpulse | baseline (plain KafkaConsumer) | ratio | Kafka Streams, no-op processor (same configuration) |
          |---|---|---|---|---|
          | journal entries/s, %d entries, %d devices, %d threads, commit %d ms | %.0f | %.0f | %.2f | %.0f |
          | CPU µs per entry (the side's own threads) | %.1f | %.1f | %.2f | %.1f |
          | produce ack → CRASHLOOP on fleet.alerts at %d entries/s for %d s, after %d s of warm-up | %s | | | |""",
          settings.entries(), DEVICES, settings.threads(), settings.effectiveCommitIntervalMs(), topology.perSecond(), raw.perSecond(), ratio(),
          floor.perSecond(), topology.cpuMicrosPerEntry(), raw.cpuMicrosPerEntry(), cpuRatio(), floor.cpuMicrosPerEntry(),
          settings.rate(), settings.seconds(), settings.warmUpSeconds(), latency.describe())
          + (journalBytes == 0 ? "" : String.format(Locale.ROOT, "%n| journal store on disk after the run (RocksDB files; the changelog topic "
              + "besides) | %.1f MiB, %.0f bytes per line kept | | | |", journalBytes / 1048576.0,
              journalBytes / (double) Math.min(settings.entries(), (long) DEVICES * settings.journalLines())))
          + (withRules == null ? "" : String.format(Locale.ROOT, "%n| with %d user rules (half regex), entries/s; CPU µs per entry | %.0f; %.1f "
              + "| the topology without rules, same run: %.0f; %.1f | %.2f | |", settings.rules(), withRules.perSecond(),
              withRules.cpuMicrosPerEntry(), topology.perSecond(), topology.cpuMicrosPerEntry(), withRules.perSecond() / topology.perSecond()));
    }

    String summaryLine() {
      return String.format(Locale.ROOT, "bench pipeline%s: %.0f entries/s vs plain KafkaConsumer %.0f entries/s, ratio %.2f "
          + "(Kafka Streams with a no-op processor: %.0f entries/s)", settings.brokers() == 1 ? "" : " on " + settings.brokers() + " brokers",
          topology.perSecond(), raw.perSecond(), ratio(), floor.perSecond())
          + (withRules == null ? "" : String.format(Locale.ROOT, "; with %d rules: %.0f entries/s, %.2f of the same without", settings.rules(),
              withRules.perSecond(), withRules.perSecond() / topology.perSecond()));
    }

    /** A dated section with the table, appended to docs/benchmarks.md (self-contained wherever it lands). */
    void appendTo(Path file) throws IOException {
      String section = String.format(Locale.ROOT, "%n### bench pipeline, %s (%s, %d entries, %d threads, commit %d ms, latency at %d entries/s, %s%s)%n%n%s%n",
          LocalDate.now(), settings.brokers() == 1 ? "one broker" : settings.brokers() + " brokers, replication 3, min.insync 2",
          settings.entries(), settings.threads(), settings.effectiveCommitIntervalMs(), settings.rate(),
          settings.journalLines() == 0 ? "journal store off" : "journal store " + settings.journalLines() + " lines per device",
          settings.streamsConfig().isEmpty() ? "" : ", " + settings.streamsConfig(), table());
      Files.writeString(file, section, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }
}
