package io.fleetpulse.collector.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread and one transactional producer writing record sets exactly once, grouped: the sets handed
 * in while a transaction commits all go into the next one, so one commit round trip serves every push
 * that arrived meanwhile. A set is committed whole or not at all, and its future says which.
 *
 * <p>When a commit fails in a way that leaves its outcome unknown (the broker went away after it may
 * have received the commit), the producer is replaced: registering the same transactional id again makes
 * the broker finish that transaction one way or the other. The sets are failed with
 * {@link TransactionInDoubtException} at once, and its {@code committed} future is completed with the
 * outcome, read back from the log (read_committed), once Kafka is reachable again.
 */
final class GroupCommitWriter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final int MAX_SETS_PER_TRANSACTION = 512;
  private static final Duration RETRY = Duration.ofSeconds(1);

  /** Records to commit together; {@code committed} completes once they are, or fails. */
  record RecordSet(List<ProducerRecord<String, byte[]>> records, CompletableFuture<Void> committed, long queuedAtNanos) {}

  /** A transaction whose outcome is not known yet: any of its records that Kafka wrote tells it. */
  private record Doubt(RecordMetadata probe, CompletableFuture<Boolean> committed) {}

  private final PublisherSettings settings;
  private final Map<String, Object> config;
  private final BlockingQueue<RecordSet> queue = new LinkedBlockingQueue<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread thread;
  private final List<Doubt> doubts = new ArrayList<>();
  private final CompletableFuture<Void> registered = new CompletableFuture<>();
  private KafkaProducer<String, byte[]> producer;
  private volatile boolean running = true;
  private MeterRegistry registry;
  private KafkaClientMetrics metrics;

  GroupCommitWriter(PublisherSettings settings, String transactionalId) {
    this.settings = settings;
    String lane = transactionalId.substring(transactionalId.lastIndexOf('-') + 1);
    this.config = settings.transactionalConfig("fleetpulse-collector-" + lane, transactionalId);
    this.thread = new Thread(this::run, "push-collector-kafka-" + lane);
    thread.setDaemon(true);
    thread.start();
  }

  CompletableFuture<Void> write(List<ProducerRecord<String, byte[]>> records) {
    CompletableFuture<Void> committed = new CompletableFuture<>();
    if (!running) {
      committed.completeExceptionally(new KafkaException("the collector is stopping"));
    } else {
      queue.add(new RecordSet(records, committed, System.nanoTime()));
    }
    return committed;
  }

  /** How long the oldest push waiting for this writer has waited to be taken into a transaction (zero when none waits). */
  Duration oldestWait() {
    RecordSet oldest = queue.peek();
    return oldest == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - oldest.queuedAtNanos());
  }

  /**
   * Completes once the transactional id is registered: from then on every transaction a predecessor with
   * this id left is settled (committed or aborted, its markers written), so what it wrote can be read.
   */
  CompletableFuture<Void> registered() {
    return registered;
  }

  private void run() {
    while (running || !queue.isEmpty()) {
      RecordSet first;
      try {
        first = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      // Without a producer, registering is work in itself: done at once, not at the first push, it aborts
      // what a killed predecessor left open before that holds up the streams any longer.
      if (first == null && doubts.isEmpty() && producer != null) {
        continue;
      }
      List<RecordSet> group = new ArrayList<>();
      if (first != null) {
        group.add(first);
        queue.drainTo(group, MAX_SETS_PER_TRANSACTION - 1);
      }
      if (producer == null && !register(group)) {
        continue;
      }
      resolveDoubts();
      if (!group.isEmpty()) {
        commit(group);
      }
    }
    List<RecordSet> left = new ArrayList<>();
    queue.drainTo(left);
    fail(left, new KafkaException("the collector stopped before writing these entries"));
  }

  /**
   * Registers the transactional id (finishing a previous producer's open transaction); on failure the
   * group is refused, and with only doubts waiting it is retried after a pause.
   */
  private boolean register(List<RecordSet> group) {
    KafkaProducer<String, byte[]> created = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    try {
      created.initTransactions();
      producer = created;
      bindMetrics();
      registered.complete(null);
      return true;
    } catch (KafkaException e) {
      created.close(Duration.ZERO);
      log.warn("Kafka is not reachable for the push collector's transactions: {}", e.getMessage());
      fail(group, e);
      if (group.isEmpty()) {
        pause();
      }
      return false;
    }
  }

  private void commit(List<RecordSet> group) {
    AtomicReference<Exception> sendFailure = new AtomicReference<>();
    Acknowledgements acknowledged = new Acknowledgements();
    boolean commitAsked = false;
    try {
      producer.beginTransaction();
      for (RecordSet set : group) {
        for (ProducerRecord<String, byte[]> record : set.records()) {
          if (sendFailure.get() != null) {
            // One send failed: the transaction is lost, and further sends could each wait for metadata.
            throw new KafkaException(sendFailure.get());
          }
          producer.send(record, (metadata, error) -> {
            if (error != null) {
              sendFailure.compareAndSet(null, error);
            } else {
              acknowledged.add(metadata);
            }
          });
        }
      }
      commitAsked = true;
      producer.commitTransaction();
    } catch (KafkaException e) {
      failed(group, e, acknowledged, commitAsked);
      return;
    }
    for (RecordSet set : group) {
      set.committed().complete(null);
    }
  }

  /**
   * Aborts a transaction that failed before its commit was asked for. Once the commit was asked for, its
   * outcome is unknown until a new producer has settled it: the coordinator may have decided COMMIT before the
   * failure reached us (a broker killed mid-commit), and an abort that then "succeeds" ends only a new, empty
   * transaction (transactions v2 bump the epoch with each one), so taking it for an abort doubled every push
   * of the group when the devices re-sent (KillTest, broker killed under load).
   *
   * <p>What was acknowledged is read only once the producer is closed ({@link Acknowledgements}): read before,
   * "nothing acknowledged" could turn into a commit a moment later, and the 503 answered meanwhile made the
   * devices send those pushes twice (bench crash --target BROKER under CPU load).
   */
  private void failed(List<RecordSet> group, KafkaException error, Acknowledgements acknowledged, boolean commitAsked) {
    if (!commitAsked) {
      try {
        producer.abortTransaction();
        log.warn("Kafka transaction of {} pushes aborted: {}", group.size(), error.getMessage());
      } catch (KafkaException | IllegalStateException abortFailed) {
        // The next producer's registration aborts it.
        log.warn("Kafka transaction of {} pushes failed ({}) and could not be aborted ({}); replacing the producer",
            group.size(), error.getMessage(), abortFailed.getMessage());
        producer.close(Duration.ZERO);
        producer = null;
      }
      fail(group, error);
      return;
    }
    // Stops the I/O thread (close joins it): from here on nothing is acknowledged and no commit goes out.
    producer.close(Duration.ZERO);
    producer = null;
    if (!acknowledged.any()) {
      // The commit goes out only once every record is acknowledged: with none acknowledged, it never did.
      log.warn("Kafka transaction of {} pushes failed before Kafka acknowledged any record ({}); nothing of it can commit",
          group.size(), error.getMessage());
      fail(group, error);
      return;
    }
    log.warn("The commit of a Kafka transaction of {} pushes failed ({}); its outcome is read back once a new producer "
        + "has settled it, and those devices wait until then", group.size(), error.getMessage());
    Doubt doubt = new Doubt(acknowledged.withOffset(), new CompletableFuture<>());
    if (acknowledged.withOffset() == null) {
      log.error("A Kafka transaction of {} pushes may have committed, but no acknowledged record has an offset to read it "
          + "back from: those devices are refused (503) until the collector restarts and reads their dedup marks", group.size());
      doubt.committed().completeExceptionally(new KafkaException("the outcome of an interrupted transaction cannot be read back"));
    } else {
      doubts.add(doubt);
    }
    fail(group, new TransactionInDoubtException(error, doubt.committed()));
  }

  /** With the producer registered again, every earlier transaction is finished: read their outcomes. */
  private void resolveDoubts() {
    if (doubts.isEmpty()) {
      return;
    }
    try {
      for (Doubt doubt : List.copyOf(doubts)) {
        boolean committed = TransactionOutcome.committed(settings.bootstrapServers(), doubt.probe(), settings.deliveryTimeout());
        log.info("A Kafka transaction whose commit was interrupted turned out {}", committed ? "committed" : "aborted");
        doubt.committed().complete(committed);
        doubts.remove(doubt);
      }
    } catch (KafkaException e) {
      log.warn("Could not read back the outcome of an interrupted Kafka transaction yet: {}", e.getMessage());
    }
  }

  /** Reports the producer's own metrics ({@code kafka_producer_*}) into {@code registry}, also after it is replaced. */
  synchronized void bindMetrics(MeterRegistry registry) {
    this.registry = registry;
    bindMetrics();
  }

  private synchronized void bindMetrics() {
    if (metrics != null) {
      metrics.close();
      metrics = null;
    }
    if (registry != null && producer != null) {
      metrics = new KafkaClientMetrics(producer);
      metrics.bindTo(registry);
    }
  }

  private static void fail(List<RecordSet> sets, Exception error) {
    for (RecordSet set : sets) {
      set.committed().completeExceptionally(error);
    }
  }

  private void pause() {
    try {
      stopped.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    running = false;
    stopped.countDown();
    try {
      thread.join(settings.deliveryTimeout().multipliedBy(3).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Doubt doubt : doubts) {
      doubt.committed().completeExceptionally(new KafkaException("the collector stopped before the outcome was known"));
    }
    synchronized (this) {
      if (metrics != null) {
        metrics.close();
      }
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
