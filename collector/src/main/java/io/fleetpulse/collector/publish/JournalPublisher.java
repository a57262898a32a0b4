package io.fleetpulse.collector.publish;

import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes journal entries to their unit topics, keyed by device uuid, exactly once: a call's entries and
 * the record that says they were delivered (the device's dedup mark) are committed in one Kafka
 * transaction, so read_committed readers — the streams app under exactly-once, the mark loader — see
 * both or neither, and a push answered 503 left nothing behind.
 *
 * <p>{@value #WRITERS} transactional producers, each on its own thread, take the devices in turns (by
 * uuid) and commit what arrived during their previous commit in one transaction (group commit), so their
 * commit round trips overlap. Their transactional ids are {@value #TRANSACTIONAL_ID_PREFIX}, the
 * collector's instance id and the producer's number: the same across restarts,
 * so a restarted collector aborts what its killed predecessor left open, and different for every running
 * collector, so replicas never fence one another. Entries are Avro-encoded on the caller's thread ({@link JournalEntryEncoder}), so that work
 * spreads over the event loops.
 */
public final class JournalPublisher implements AutoCloseable {

  /** For Kafka ACLs: every push transactional id starts with this. */
  public static final String TRANSACTIONAL_ID_PREFIX = "fleetpulse-push-collector-";
  public static final int WRITERS = 4;

  private final Vertx vertx;
  private final PublisherSettings settings;
  private final List<GroupCommitWriter> writers;
  private final Serializer<JournalEntry> serializer = JournalEntryEncoder.serializer();

  /** @param instanceId this collector's id: stable across its restarts (a restart then aborts what it left open), unique among running collectors */
  public JournalPublisher(Vertx vertx, PublisherSettings settings, String instanceId) {
    this.settings = settings;
    this.vertx = vertx;
    this.writers = IntStream.range(0, WRITERS)
        .mapToObj(writer -> new GroupCommitWriter(settings, transactionalId(instanceId, writer)))
        .toList();
  }

  /** The transactional id of producer {@code writer} of collector {@code instanceId}. */
  public static String transactionalId(String instanceId, int writer) {
    return TRANSACTIONAL_ID_PREFIX + instanceId + "-" + writer;
  }

  /**
   * Completes once every producer has registered its transactional id: then nothing a killed predecessor
   * of this collector wrote is still undecided, and the dedup marks it committed are readable.
   */
  public Future<Void> registered() {
    return Future.fromCompletionStage(CompletableFuture.allOf(writers.stream().map(GroupCommitWriter::registered)
        .toArray(CompletableFuture[]::new)), vertx.getOrCreateContext());
  }

  /**
   * Commits one device's entries together with {@code alongside}. Completes once committed; fails when
   * Kafka did not take them (then none of them is visible to read_committed readers), with
   * {@link TransactionInDoubtException} when that is not known yet.
   */
  public Future<Void> publish(String deviceUuid, List<JournalEntry> entries, ProducerRecord<String, byte[]> alongside) {
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(entries.size() + 1);
    String key = Topics.deviceKey(deviceUuid);
    for (JournalEntry entry : entries) {
      records.add(new ProducerRecord<>(Topics.journalTopicFor(entry.getUnit()), null, entry.getReceivedAt().toEpochMilli(),
          key, serializer.serialize(null, entry)));
    }
    records.add(alongside);
    GroupCommitWriter writer = writers.get(Math.floorMod(deviceUuid.hashCode(), writers.size()));
    return Future.fromCompletionStage(writer.write(records), vertx.getOrCreateContext());
  }

  /**
   * How long the oldest push waiting to be committed has waited to be taken into a transaction. Healthy: a few
   * milliseconds. Past {@link #behindAfter()} Kafka is not keeping up, and pushes are better refused (503) than
   * left to time out.
   */
  public Duration commitWait() {
    return writers.stream().map(GroupCommitWriter::oldestWait).max(Duration::compareTo).orElse(Duration.ZERO);
  }

  /** Half the delivery timeout: a push that waits that long before its commit starts would likely not make it in time. */
  public Duration behindAfter() {
    return settings.deliveryTimeout().dividedBy(2);
  }

  /** Reports the producers' own metrics ({@code kafka_producer_*}: send rates, errors, batch sizes) into {@code registry}. */
  public void bindMetrics(MeterRegistry registry) {
    writers.forEach(writer -> writer.bindMetrics(registry));
    Gauge.builder("fleetpulse.collector.commit.wait", () -> commitWait().toNanos() / 1e9).baseUnit("seconds")
        .description("How long the oldest push waiting for a Kafka transaction has waited (pushes are refused past half the delivery timeout)")
        .register(registry);
  }

  /** Commits what is queued, then closes the producers. */
  @Override
  public void close() {
    writers.forEach(GroupCommitWriter::close);
  }
}
