package io.fleetpulse.streams.bench;

import static org.awaitility.Awaitility.await;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.TopicProvisioner;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.FleetStreams;
import io.fleetpulse.streams.StreamsSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code bench pipeline}: entries/s through the whole topology (exactly-once) over journal topics
 * pre-loaded with a 1,000-device fleet's traffic, next to a plain KafkaConsumer reading the same topics
 * in the same run (the ceiling); then end-to-end latency from an entry's produce acknowledgement (the
 * collector's "push accepted") to its alert on {@code fleet.alerts}, at a steady rate.
 *
 * <p>Run from the repository root (arguments: entries, steady rate, seconds, commit interval ms):
 * <pre>
 * mvn -B -q test-compile -pl streams -am
 * mvn -B -q -pl streams dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * java -Xmx2g -cp streams/target/test-classes:streams/target/classes:$(cat /tmp/cp.txt) \
 *     io.fleetpulse.streams.bench.PipelineBenchmark 300000 20000 20 200
 * </pre>
 */
public final class PipelineBenchmark {

  private static final int DEVICES = 1_000;
  private static final int PARTITIONS = 6;

  public static void main(String[] args) throws Exception {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    // fleetpulse commits every 200 ms so events reach the API quickly; a longer interval trades that for throughput.
    int commitMs = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    Path dir = Files.createTempDirectory("fleetpulse-bench");
    try (EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(dir.resolve("kafka"))).start();
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(PARTITIONS, (short) 1).provision(admin);
      FleetTraffic traffic = new FleetTraffic();
      Instant start = Instant.now().minus(Duration.ofHours(1));
      AtomicReference<Exception> failed = new AtomicReference<>();
      try (KafkaProducer<String, JournalEntry> producer = producer(kafka)) {
        for (int i = 0; i < entries; i++) {
          int device = i % DEVICES;
          JournalEntry entry = traffic.entry(device, i / DEVICES, start.plusMillis(i * 3600_000L / entries));
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
      if (loaded != entries) {
        throw new IllegalStateException("pre-loaded " + loaded + " entries instead of " + entries);
      }
      System.out.printf("pre-loaded %,d entries from %,d devices on %d partitions%n", entries, DEVICES, PARTITIONS);

      double rawRate = rawRead(kafka, entries);
      double pipelineRate = pipeline(kafka, admin, dir.resolve("streams-throughput"), entries, commitMs);
      List<Long> latencies = latency(kafka, dir.resolve("streams-latency"), traffic, rate, seconds, commitMs);

      Collections.sort(latencies);
      long p50 = latencies.get(latencies.size() / 2);
      long p99 = latencies.get(Math.min(latencies.size() - 1, (int) Math.ceil(latencies.size() * 0.99) - 1));
      long max = latencies.get(latencies.size() - 1);
      System.out.println();
      System.out.println("| figure | fleetpulse | baseline (plain KafkaConsumer) | ratio |");
      System.out.println("|---|---|---|---|");
      System.out.printf("| journal entries/s, %,d entries, %,d devices | %,.0f | %,.0f | %.2f |%n", entries, DEVICES, pipelineRate, rawRate,
          pipelineRate / rawRate);
      System.out.printf("| produce ack → alert on fleet.alerts at %,d entries/s (%d alerts) | p50 %d ms, p99 %d ms, max %d ms | | |%n",
          rate, latencies.size(), p50, p99, max);
      System.out.printf("bench pipeline: %.0f entries/s vs plain KafkaConsumer %.0f entries/s, ratio %.2f%n",
          pipelineRate, rawRate, pipelineRate / rawRate);
    }
  }

  /** The ceiling: one consumer reading every journal topic from the beginning, bytes only. */
  private static double rawRead(EmbeddedKafkaBroker kafka, int entries) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "bench-raw",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(Topics.journalTopics());
      long count = 0;
      long began = System.nanoTime();
      while (count < entries) {
        count += consumer.poll(Duration.ofMillis(200)).count();
      }
      double rate = count / ((System.nanoTime() - began) / 1e9);
      System.out.printf("plain KafkaConsumer: %,d entries at %,.0f entries/s%n", count, rate);
      return rate;
    }
  }

  /** The topology from RUNNING until its committed offsets reach the end of every journal partition. */
  private static double pipeline(EmbeddedKafkaBroker kafka, Admin admin, Path stateDir, int entries, int commitMs) throws Exception {
    String applicationId = "bench-pipeline";
    Map<TopicPartition, Long> ends = endOffsets(admin);
    try (FleetStreams streams = new FleetStreams(StreamsSettings.of(kafka.bootstrapServers(), applicationId, stateDir)
        .withOverrides(Map.of("num.stream.threads", 2, "commit.interval.ms", commitMs)), new SimpleMeterRegistry())) {
      streams.start();
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(10)).until(streams::isRunning);
      long began = System.nanoTime();
      await().atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(100)).until(() -> caughtUp(admin, applicationId, ends));
      double rate = entries / ((System.nanoTime() - began) / 1e9);
      System.out.printf("fleetpulse topology (exactly_once_v2, 2 threads, commit every %d ms): %,d entries at %,.0f entries/s%n",
          commitMs, entries, rate);
      return rate;
    }
  }

  /**
   * A steady {@code rate} of entries from all devices; every 100 ms one more device's engine is killed
   * twice, 30 s apart (device time), and the time from the second kill's acknowledgement to its
   * CRASHLOOP on fleet.alerts is one latency sample.
   */
  private static List<Long> latency(EmbeddedKafkaBroker kafka, Path stateDir, FleetTraffic traffic, int rate, int seconds, int commitMs)
      throws Exception {
    Map<String, Long> ackedAt = new ConcurrentHashMap<>();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    // This instance starts at the end of the pre-loaded topics: it measures steady state, not catching up.
    try (FleetStreams streams = new FleetStreams(StreamsSettings.of(kafka.bootstrapServers(), "bench-latency", stateDir)
            .withOverrides(Map.of("consumer.auto.offset.reset", "latest", "commit.interval.ms", commitMs)), new SimpleMeterRegistry());
        KafkaConsumer<String, Alert> alerts = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "bench-alerts",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), FleetSerdes.alert().deserializer());
        KafkaProducer<String, JournalEntry> producer = producer(kafka)) {
      streams.start();
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(10)).until(streams::isRunning);
      alerts.subscribe(List.of(Topics.ALERTS));
      while (alerts.assignment().isEmpty()) {
        alerts.poll(Duration.ofMillis(100));
      }
      Thread reader = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          for (ConsumerRecord<String, Alert> record : alerts.poll(Duration.ofMillis(20))) {
            Alert alert = record.value();
            Long acked = ackedAt.remove(alert.getDeviceUuid() + "|" + alert.getStartedAt().toEpochMilli());
            if (acked != null && alert.getKind() == AlertKind.CRASHLOOP && alert.getState() == AlertState.FIRING) {
              latencies.add(System.currentTimeMillis() - acked);
            }
          }
        }
      }, "bench-alert-reader");
      reader.start();

      long seq = 10_000_000L;
      long began = System.nanoTime();
      long sent = 0;
      int crashing = DEVICES;
      long nextKill = 0;
      while (System.nanoTime() - began < seconds * 1_000_000_000L) {
        long due = (System.nanoTime() - began) * rate / 1_000_000_000L;
        Instant now = Instant.now();
        for (; sent < due; sent++) {
          JournalEntry entry = traffic.entry((int) (sent % DEVICES), seq++, now);
          producer.send(new ProducerRecord<>(Topics.journalTopicFor(entry.getUnit()), null, now.toEpochMilli(), entry.getDeviceUuid(), entry));
        }
        if (System.nanoTime() - began >= nextKill) {
          nextKill += 100_000_000L;
          int device = crashing++;
          producer.send(record(traffic.engineKill(device, seq++, now.minusSeconds(30))));
          JournalEntry second = traffic.engineKill(device, seq++, now);
          String key = second.getDeviceUuid() + "|";
          producer.send(record(second), (metadata, error) -> {
            if (error == null) {
              ackedAt.put(key + now.minusSeconds(30).toEpochMilli(), System.currentTimeMillis());
            }
          });
        }
        LockSupport.parkNanos(1_000_000); // pacing the fixed-rate producer, as a load generator does
      }
      // Let the last alerts arrive.
      long drainUntil = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < drainUntil && !ackedAt.isEmpty()) {
        LockSupport.parkNanos(50_000_000);
      }
      reader.interrupt();
      reader.join();
      System.out.printf("latency run: %,d entries at %,d entries/s, %d alerts measured, %d missing%n", sent, rate, latencies.size(), ackedAt.size());
      return new ArrayList<>(latencies);
    }
  }

  private static ProducerRecord<String, JournalEntry> record(JournalEntry entry) {
    return new ProducerRecord<>(Topics.journalTopicFor(entry.getUnit()), null, entry.getReceivedAt().toEpochMilli(), entry.getDeviceUuid(), entry);
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
    for (String topic : Topics.journalTopics()) {
      for (int p = 0; p < PARTITIONS; p++) {
        request.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
    }
    return admin.listOffsets(request).all().get().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  private static boolean caughtUp(Admin admin, String group, Map<TopicPartition, Long> ends) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      OffsetAndMetadata offset = committed.get(end.getKey());
      // Under exactly-once the committed offset may sit one past the last record (the commit marker).
      if (end.getValue() > 0 && (offset == null || offset.offset() < end.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static KafkaProducer<String, JournalEntry> producer(EmbeddedKafkaBroker kafka) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
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
}
