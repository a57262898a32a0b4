package io.fleetpulse.collector.ssh;

import io.fleetpulse.collector.publish.JournalEntryEncoder;
import io.fleetpulse.collector.publish.Acknowledgements;
import io.fleetpulse.collector.publish.TransactionOutcome;
import io.fleetpulse.schemas.DeviceStatus;
import io.fleetpulse.schemas.DeviceFacts;
import io.fleetpulse.schemas.DiskSample;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once from device journals into Kafka: one thread owns a transactional producer and writes,
 * per transaction, whatever the devices handed in since the last one — their entries, and for each
 * device the cursor of its last entry to the compacted {@code fleet.collector.cursors} — plus
 * pending status records and disk samples. A restarted collector resumes every device from its
 * committed cursor, and a crashed collector's open transaction is aborted when the next instance
 * with the same transactional id starts, so no entry is lost and none is written twice.
 *
 * <p>Backpressure: the bytes handed in but not yet committed are counted; above the limit
 * {@link #saturated()} tells sessions to stop reading, and they are resumed once commits bring it
 * back under half the limit.
 */
public final class TransactionalWriter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TransactionalWriter.class);
  private static final int MAX_ITEMS_PER_TRANSACTION = 4096;

  private sealed interface Item permits Entries, Status, Disk, Facts {}

  /** One device's entries, already serialized (by the submitting thread: the writer's own thread is the bottleneck). */
  private record Entries(CommitListener listener, long epoch, String uuid, List<ProducerRecord<String, byte[]>> records, String lastCursor,
      int bytes) implements Item {}

  private record Status(DeviceStatus status) implements Item {}

  private record Disk(List<DiskSample> samples) implements Item {}

  private record Facts(DeviceFacts facts) implements Item {}

  private final Map<String, Object> config = new HashMap<>();
  private final long maxPendingBytes;
  private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final AtomicLong pendingBytes = new AtomicLong();
  private final ConcurrentLinkedQueue<Runnable> waitingForCapacity = new ConcurrentLinkedQueue<>();
  private final Thread thread = new Thread(this::run, "ssh-collector-kafka");
  private final org.apache.kafka.common.serialization.Serializer<JournalEntry> entrySerializer = JournalEntryEncoder.serializer();
  private final org.apache.kafka.common.serialization.Serializer<DeviceStatus> statusSerializer = FleetSerdes.deviceStatus().serializer();
  private final org.apache.kafka.common.serialization.Serializer<DiskSample> diskSerializer = FleetSerdes.diskSample().serializer();
  private final org.apache.kafka.common.serialization.Serializer<DeviceFacts> factsSerializer = FleetSerdes.deviceFacts().serializer();
  private KafkaProducer<String, byte[]> producer;
  private volatile boolean running;
  /** Counted down by close(): wakes a writer waiting to retry Kafka. */
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean fenced;

  public TransactionalWriter(String bootstrapServers, String transactionalId, long maxPendingBytes, Map<String, Object> overrides) {
    this.maxPendingBytes = maxPendingBytes;
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "fleetpulse-ssh-collector");
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
    config.putAll(overrides);
  }

  /**
   * Registers the transactional id with Kafka, which fences any previous instance and aborts its
   * open transaction; only after this are the committed cursors final.
   */
  public void start() {
    producer = newProducer();
    running = true;
    thread.start();
  }

  /** Queues one device's entries; {@code listener} hears when they are committed or aborted. */
  void submit(CommitListener listener, long epoch, String uuid, List<JournalEntry> entries, String lastCursor, int bytes) {
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(entries.size());
    for (JournalEntry entry : entries) {
      records.add(new ProducerRecord<>(Topics.journalTopicFor(entry.getUnit()), null, entry.getReceivedAt().toEpochMilli(), uuid,
          entrySerializer.serialize(null, entry)));
    }
    pendingBytes.addAndGet(bytes);
    queue.add(new Entries(listener, epoch, uuid, records, lastCursor, bytes));
  }

  public void status(DeviceStatus status) {
    queue.add(new Status(status));
  }

  public void disk(List<DiskSample> samples) {
    if (!samples.isEmpty()) {
      queue.add(new Disk(List.copyOf(samples)));
    }
  }

  public void facts(DeviceFacts facts) {
    queue.add(new Facts(facts));
  }

  /** True while too many bytes wait for a commit: sessions should not read more. */
  public boolean saturated() {
    return pendingBytes.get() >= maxPendingBytes;
  }

  /** Runs {@code resume} once the writer has room again (now, if it has). */
  void whenCapacity(Runnable resume) {
    waitingForCapacity.add(resume);
    if (pendingBytes.get() < maxPendingBytes / 2) {
      resumeWaiting();
    }
  }

  public long pendingBytes() {
    return pendingBytes.get();
  }

  private void run() {
    while (!fenced && (running || !queue.isEmpty())) {
      try {
        Item first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        List<Item> items = new ArrayList<>();
        items.add(first);
        queue.drainTo(items, MAX_ITEMS_PER_TRANSACTION - 1);
        write(items);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    List<Item> left = new ArrayList<>();
    queue.drainTo(left);
    release(left.stream().filter(Entries.class::isInstance).map(Entries.class::cast).toList(), "the collector stopped writing");
  }


  private void write(List<Item> items) throws InterruptedException {
    List<Entries> written = new ArrayList<>();
    List<Entries> dropped = new ArrayList<>();
    List<Item> others = new ArrayList<>();
    Map<String, String> cursors = new LinkedHashMap<>();
    Acknowledgements acknowledged = new Acknowledgements();
    boolean commitAsked = false;
    try {
      producer.beginTransaction();
      long now = System.currentTimeMillis();
      for (Item item : items) {
        if (item instanceof Entries batch) {
          if (!batch.listener().stillWanted(batch.epoch())) {
            dropped.add(batch);
            continue;
          }
          for (ProducerRecord<String, byte[]> record : batch.records()) {
            producer.send(record, (metadata, error) -> {
              if (error == null) {
                acknowledged.add(metadata);
              }
            });
          }
          if (batch.lastCursor() != null) {
            cursors.put(batch.uuid(), batch.lastCursor());
          }
          written.add(batch);
        } else if (item instanceof Status status) {
          others.add(status);
          producer.send(new ProducerRecord<>(Topics.COLLECTOR_STATUS, null, now, status.status().getDeviceUuid(),
              statusSerializer.serialize(null, status.status())));
        } else if (item instanceof Disk disk) {
          others.add(disk);
          for (DiskSample sample : disk.samples()) {
            producer.send(new ProducerRecord<>(Topics.METRICS_DISK, null, now, sample.getDeviceUuid(), diskSerializer.serialize(null, sample)));
          }
        } else if (item instanceof Facts facts) {
          others.add(facts);
          producer.send(new ProducerRecord<>(Topics.DEVICE_FACTS, null, now, facts.facts().getDeviceUuid(),
              factsSerializer.serialize(null, facts.facts())));
        }
      }
      for (Map.Entry<String, String> cursor : cursors.entrySet()) {
        producer.send(new ProducerRecord<>(Topics.COLLECTOR_CURSORS, null, now, cursor.getKey(),
            cursor.getValue().getBytes(StandardCharsets.UTF_8)));
      }
      commitAsked = true;
      producer.commitTransaction();
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
      log.error("Kafka refused this collector's transactions ({}); another collector with transactional id {} may have started. "
          + "Stopping the SSH collector's writes.", e.getMessage(), config.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
      fenced = true;
      release(written, "Kafka fenced this collector: " + e.getMessage());
      release(dropped, "an earlier batch was aborted");
      return;
    } catch (KafkaException e) {
      if (commitAsked && committedAfterAll(acknowledged, e)) {
        succeeded(written, dropped);
        return;
      }
      if (!commitAsked) {
        log.warn("Kafka transaction failed, aborting it; the devices concerned resume from their committed cursors: {}", e.getMessage());
        abortOrRenew();
      }
      release(written, "Kafka transaction aborted: " + e.getMessage());
      release(dropped, "an earlier batch was aborted");
      others.forEach(queue::add);
      resumeWaiting();
      return;
    }
    succeeded(written, dropped);
  }

  /**
   * A commit that failed on the way may have been decided all the same (a broker lost mid-commit): never abort
   * it, replace the producer instead (registering the id settles the transaction), then read the outcome back.
   * Resuming from the old cursors after a commit that happened would write those entries twice. What was
   * acknowledged is read once the old producer is closed ({@link Acknowledgements}).
   */
  private boolean committedAfterAll(Acknowledgements acknowledged, KafkaException failure) throws InterruptedException {
    log.warn("The commit of a Kafka transaction failed ({}); settling it with a new producer and reading its outcome",
        failure.getMessage());
    producer.close(Duration.ZERO);
    producer = null;
    while (running && producer == null) {
      try {
        producer = newProducer();
      } catch (KafkaException e) {
        log.warn("Kafka is not reachable for a new transactional producer ({}); retrying in 1 s", e.getMessage());
        if (stopped.await(1, TimeUnit.SECONDS)) {
          break;
        }
      }
    }
    RecordMetadata probe = acknowledged.withOffset();
    if (!acknowledged.any()) {
      return false; // the commit goes out only once every record is acknowledged
    }
    if (probe == null) {
      log.error("An interrupted Kafka transaction may have committed, but no acknowledged record has an offset to read it back "
          + "from; its devices resume from their committed cursors, which may write some entries twice");
      return false;
    }
    while (running && producer != null) {
      try {
        boolean committed = TransactionOutcome.committed((String) config.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG), probe,
            Duration.ofSeconds(30));
        log.info("The interrupted transaction turned out {}", committed ? "committed" : "aborted");
        return committed;
      } catch (KafkaException e) {
        log.warn("Could not read the outcome of the interrupted transaction yet ({}); retrying in 1 s", e.getMessage());
        if (stopped.await(1, TimeUnit.SECONDS)) {
          break;
        }
      }
    }
    return false;
  }

  private void succeeded(List<Entries> written, List<Entries> dropped) {
    for (Entries batch : written) {
      pendingBytes.addAndGet(-batch.bytes());
      batch.listener().committed(batch.lastCursor(), batch.bytes(), batch.records().size());
    }
    release(dropped, "an earlier batch was aborted");
    if (pendingBytes.get() < maxPendingBytes / 2) {
      resumeWaiting();
    }
  }

  private void release(List<Entries> batches, String reason) {
    for (Entries batch : batches) {
      pendingBytes.addAndGet(-batch.bytes());
      batch.listener().aborted(batch.bytes(), reason);
    }
  }

  private void resumeWaiting() {
    Runnable resume;
    while ((resume = waitingForCapacity.poll()) != null) {
      resume.run();
    }
  }

  /** Aborts the failed transaction; if even that fails, replaces the producer (which fences the old one). */
  private void abortOrRenew() throws InterruptedException {
    try {
      producer.abortTransaction();
    } catch (KafkaException abortFailed) {
      log.warn("Aborting failed too ({}); starting a new transactional producer", abortFailed.getMessage());
      producer.close(Duration.ZERO);
      while (running) {
        try {
          producer = newProducer();
          return;
        } catch (KafkaException e) {
          log.warn("Kafka is not reachable for a new transactional producer ({}); retrying in 1 s", e.getMessage());
          if (stopped.await(1, TimeUnit.SECONDS)) {
            return;
          }
        }
      }
    }
  }

  private KafkaProducer<String, byte[]> newProducer() {
    KafkaProducer<String, byte[]> created = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    try {
      created.initTransactions();
    } catch (KafkaException e) {
      created.close(Duration.ZERO);
      throw e;
    }
    return created;
  }

  /** Writes what is queued, commits, and stops. */
  @Override
  public void close() {
    running = false;
    stopped.countDown();
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
