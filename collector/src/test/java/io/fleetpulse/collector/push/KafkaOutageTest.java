package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.TopicReader;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka goes away while the real systemd-journal-upload is pushing and comes back: the collector answers
 * 503, the client is restarted (as systemd's Restart= does; it resumes from its saved cursor), and in the
 * end every entry is in Kafka exactly once, as a read_committed reader sees it: the batch whose
 * transaction the outage broke was aborted with its dedup mark, the batches committed before it are
 * dropped from the re-send by dedup. Uses a broker of its own, since it stops it.
 */
class KafkaOutageTest {

  private static final int ENTRIES = 60_000;

  @Test
  void everyEntryLandsExactlyOnceWhenKafkaStopsAndRestartsDuringAnUpload(@TempDir Path dir) throws Exception {
    SystemdPeers.assumeInstalled();
    String uuid = "a1000000000000000000000000000001";
    Path journal = SystemdPeers.journalDirectory(dir, JournalUploadTest.exportOf(ENTRIES));
    EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(dir.resolve("kafka"))).start();
    try {
      TestCollector.provisionTopics(kafka);
      PublisherSettings publisher = new PublisherSettings(kafka.bootstrapServers(), Duration.ofSeconds(4), Map.of());
      try (TestCollector collector = new TestCollector(publisher, new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT))) {
        CompletableFuture<Integer> uploads = CompletableFuture.supplyAsync(
            () -> uploadUntilAccepted(journal, collector.url("/devices/" + uuid), dir.resolve("state")));

        await().atMost(Duration.ofMinutes(1)).until(() -> counter(collector, "fleetpulse.collector.entries.accepted") > 0);
        kafka.close();
        await().atMost(Duration.ofMinutes(1)).until(() -> collector.meters.find("fleetpulse.collector.requests.rejected")
            .tag("reason", "kafka_unavailable").counters().stream().mapToDouble(c -> c.count()).sum() > 0);
        kafka.start();

        assertThat(uploads.get(5, TimeUnit.MINUTES)).as("upload attempts").isGreaterThan(1);
        assertThat(counter(collector, "fleetpulse.collector.entries.deduplicated")).isPositive();
      }
      try (TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(), Topics.journalTopics())) {
        reader.until(all -> distinctNumbers(JournalUploadTest.ofDevice(all, uuid)) >= ENTRIES);
        // A copy written after the last original would come later still.
        List<ConsumerRecord<String, JournalEntry>> mine = JournalUploadTest.ofDevice(reader.drain(Duration.ofSeconds(3)), uuid);
        Map<String, Long> copies = mine.stream()
            .collect(Collectors.groupingBy(record -> record.value().getFields().get("NUMBER"), Collectors.counting()));
        List<Integer> missing = IntStream.range(0, ENTRIES).filter(i -> !copies.containsKey(Integer.toString(i))).boxed().toList();
        List<String> duplicated = copies.entrySet().stream().filter(copy -> copy.getValue() > 1).map(Map.Entry::getKey).sorted().toList();
        assertThat(missing).as("entries missing").isEmpty();
        assertThat(duplicated).as("entries duplicated").isEmpty();
        assertThat(mine).hasSize(ENTRIES);
      }
    } finally {
      kafka.close();
    }
  }

  /** Reruns the client after each failure, as systemd would; returns how many runs it took. */
  private static int uploadUntilAccepted(Path journal, String url, Path state) {
    for (int attempt = 1; attempt <= 40; attempt++) {
      try {
        if (SystemdPeers.upload(journal, url, state, List.of()).exitCode() == 0) {
          return attempt;
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("systemd-journal-upload did not succeed in 40 runs");
  }

  private static long distinctNumbers(List<ConsumerRecord<String, JournalEntry>> records) {
    return records.stream().map(record -> record.value().getFields().get("NUMBER")).distinct().count();
  }

  private static double counter(TestCollector collector, String name) {
    return collector.meters.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }
}
