package io.fleetpulse.collector.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker restarts while pushes keep asking for their devices' marks: the follower must come through it.
 * Each push wakes the follower's consumer up, and after a restart the consumer re-validates its positions
 * against the new leader epoch inside {@code position()}: a wakeup landing there used to end the follower
 * thread silently, and from then on every push waited for a barrier nobody passed (found by
 * {@code ./fleetpulse bench crash --target BROKER} under CPU load: acknowledgements stopped for good after the
 * second broker kill). Uses a broker of its own, since it stops it.
 */
class SequenceMarkStoreOutageTest {

  private static final String DEVICE = "b1000000000000000000000000000001";
  private static final String SEQNUM_ID = "5e05e05e05e05e05e05e05e05e05e000";

  @Test
  void theFollowerKeepsFollowingThroughABrokerRestartWhilePushesWakeItUp(@TempDir Path dir) throws Exception {
    EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(dir.resolve("kafka"))).start();
    ScheduledExecutorService pushes = Executors.newSingleThreadScheduledExecutor(daemon());
    try {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        new TopicProvisioner(3, (short) 1).provision(admin);
      }
      try (SequenceMarkStore store = new SequenceMarkStore(new PublisherSettings(kafka.bootstrapServers(), Duration.ofSeconds(4), Map.of()))) {
        SequenceMarks marks = new SequenceMarks(store.load());
        store.follow(marks, new SimpleMeterRegistry());
        commitMark(kafka, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> resent(marks, 1));

        // A push every 10 ms, each waking the follower up, through the outage and the restart.
        pushes.scheduleWithFixedDelay(() -> store.upToDate(DEVICE), 0, 10, TimeUnit.MILLISECONDS);
        kafka.close();
        kafka.start();
        commitMark(kafka, 2);

        await().atMost(Duration.ofSeconds(60)).until(() -> resent(marks, 2));
        Instant askedAt = Instant.now();
        CompletableFuture<Void> barrier = store.upToDate(DEVICE);
        assertThat(barrier).as("a push's barrier after the restart (asked at %s)", askedAt)
            .succeedsWithin(Duration.ofSeconds(30));
      }
    } finally {
      pushes.shutdownNow();
      kafka.close();
    }
  }

  /** Commits the device's mark up to {@code seqnum}, as a collector does with the entries it covers. */
  private static void commitMark(EmbeddedKafkaBroker kafka, long seqnum) {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
        "transactional.id", "mark-outage-test"), new StringSerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(SequenceMarkStore.record(DEVICE, Map.of(SEQNUM_ID, seqnum)));
      producer.commitTransaction();
    }
  }

  private static boolean resent(SequenceMarks marks, long seqnum) throws Exception {
    JournalEntry entry = SequenceMarksTest.entry("s=" + SEQNUM_ID + ";i=" + Long.toHexString(seqnum) + ";b=x");
    return marks.filterFor(DEVICE).isResent(entry);
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return runnable -> {
      Thread thread = new Thread(runnable, "pushes");
      thread.setDaemon(true);
      return thread;
    };
  }
}
