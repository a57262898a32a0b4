package io.fleetpulse.collector.publish;

import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes journal entries to their unit topics, keyed by device uuid, and tells when Kafka has
 * acknowledged all of them (acks=all, idempotent producer). A push is answered 202 only then.
 *
 * <p>Sending happens on a worker thread: {@code KafkaProducer.send} blocks while it waits for
 * metadata or buffer space, which must never happen on an event loop.
 */
public final class JournalPublisher implements AutoCloseable {

  private final Vertx vertx;
  private final KafkaProducer<String, JournalEntry> producer;

  public JournalPublisher(Vertx vertx, PublisherSettings settings) {
    this.vertx = vertx;
    this.producer = new KafkaProducer<>(settings.producerConfig("fleetpulse-collector"), new StringSerializer(), FleetSerdes.journalEntry().serializer());
  }

  /** Completes when every entry is acknowledged, fails with the first error otherwise. */
  public Future<Void> publish(List<JournalEntry> entries) {
    return deliver(entries).compose(delivery -> delivery.complete() ? Future.succeededFuture() : Future.failedFuture(delivery.error()));
  }

  /**
   * Sends the entries and reports, once Kafka has answered for each, which of them were acknowledged:
   * when Kafka fails part-way, a caller that remembers what was delivered (for dedup) must know exactly
   * which entries made it, since entries on other partitions may have made it after one that did not.
   */
  public Future<Delivery> deliver(List<JournalEntry> entries) {
    Context context = vertx.getOrCreateContext();
    Promise<Delivery> done = Promise.promise();
    if (entries.isEmpty()) {
      done.complete(new Delivery(0, new BitSet(), null));
      return done.future();
    }
    PendingBatch batch = new PendingBatch(entries.size(), delivery -> context.runOnContext(ignored -> done.complete(delivery)));
    vertx.executeBlocking(() -> {
      for (int i = 0; i < entries.size(); i++) {
        int index = i;
        if (batch.failure() != null) {
          // Kafka already refused one synchronously (no metadata within max.block.ms): each further send
          // would block as long again, so the rest fail with it at once.
          batch.answered(index, batch.failure());
          continue;
        }
        JournalEntry entry = entries.get(i);
        ProducerRecord<String, JournalEntry> record = new ProducerRecord<>(
            Topics.journalTopicFor(entry.getUnit()), null, entry.getReceivedAt().toEpochMilli(),
            Topics.deviceKey(entry.getDeviceUuid()), entry);
        producer.send(record, (metadata, error) -> batch.answered(index, error));
      }
      return null;
    }, false).onFailure(error -> done.tryComplete(new Delivery(entries.size(), new BitSet(), error)));
    return done.future();
  }

  /** Collects Kafka's answers for one batch, from producer threads; reports once every entry has one. */
  private static final class PendingBatch {
    private final int size;
    private final Consumer<Delivery> whenAnswered;
    private final BitSet acked;
    private int answers;
    private Exception failure;

    PendingBatch(int size, Consumer<Delivery> whenAnswered) {
      this.size = size;
      this.whenAnswered = whenAnswered;
      this.acked = new BitSet(size);
    }

    synchronized Exception failure() {
      return failure;
    }

    void answered(int index, Exception error) {
      Delivery delivery = null;
      synchronized (this) {
        if (error == null) {
          acked.set(index);
        } else if (failure == null) {
          failure = error;
        }
        if (++answers == size) {
          delivery = new Delivery(size, (BitSet) acked.clone(), failure);
        }
      }
      if (delivery != null) {
        whenAnswered.accept(delivery);
      }
    }
  }

  /**
   * What Kafka acknowledged of one {@link #deliver} call.
   *
   * @param sent how many entries were sent
   * @param acked the indexes of the entries Kafka acknowledged
   * @param error the first failure, or null when every entry was acknowledged
   */
  public record Delivery(int sent, BitSet acked, Throwable error) {

    public boolean complete() {
      return error == null;
    }

    public int ackedCount() {
      return acked.cardinality();
    }
  }

  /**
   * Reports the producer's own metrics ({@code kafka_producer_*}: send rates, batch sizes, buffer waits)
   * into {@code registry}; close the returned binder with the publisher.
   */
  public KafkaClientMetrics bindMetrics(MeterRegistry registry) {
    KafkaClientMetrics metrics = new KafkaClientMetrics(producer);
    metrics.bindTo(registry);
    return metrics;
  }

  @Override
  public void close() {
    producer.close();
  }
}
