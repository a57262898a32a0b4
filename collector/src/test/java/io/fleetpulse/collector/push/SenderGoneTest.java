package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.JournalPublisher;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.TopicReader;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device gives up waiting for its push (an HTTP timeout, a cellular link dropping) while the push still
 * waits for Kafka, and re-sends at once: the entries land once. The push waits behind another device's slow
 * commit on the same producer (a produce quota holds it back, as a saturated broker does), so its records are
 * not in Kafka yet when the re-send arrives, and the read barrier cannot see them; only holding the device's lane
 * until the first push is settled keeps the re-send from being let through beside it. A broker of its own,
 * since the quota covers every client.
 */
class SenderGoneTest {

  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String SEQNUM_ID = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";

  @Test
  void aReSentPushWhoseFirstCopyStillWaitedForKafkaLandsOnce(@TempDir Path dir) throws Exception {
    EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(dir.resolve("kafka"))).start();
    try {
      TestCollector.provisionTopics(kafka);
      // Same producer (writer lane) for both devices, different partitions of the marks topic.
      String slow = "a5000000000000000000000000000001";
      String device = IntStream.range(2, 10_000).mapToObj(i -> String.format("a5%030d", i))
          .filter(uuid -> lane(uuid) == lane(slow) && marksPartition(uuid) != marksPartition(slow)).findFirst().orElseThrow();
      PublisherSettings publisher = new PublisherSettings(kafka.bootstrapServers(), Duration.ofSeconds(40), Map.of());
      try (TestCollector collector = new TestCollector(publisher, new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT));
           TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(), Topics.journalTopics())) {
        assertThat(send(collector, device, lines(1, 2, 10), Duration.ofSeconds(30)).statusCode()).isEqualTo(202);

        ProducerQuota.set(kafka, 100.0);
        // About 50 KB for producers allowed 100 bytes/s: the broker answers, then holds the producer's next requests
        // (the commit) back for the rest of its quota window, seconds in which the lane's producer is busy.
        CompletableFuture<HttpResponse<String>> slowPush = CompletableFuture.supplyAsync(
            () -> sendUnchecked(collector, slow, lines(1, 50, 1_000), Duration.ofMinutes(2)));
        await().atMost(Duration.ofSeconds(30)).until(() -> received(collector) >= 52);
        assertThat(slowPush).as("the slow push").isNotDone();

        byte[] push = lines(3, 4, 10);
        assertThatThrownBy(() -> send(collector, device, push, Duration.ofMillis(500))).isInstanceOf(HttpTimeoutException.class);
        // The device re-sends until it is answered 202, as systemd-journal-upload's restarts do.
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
            .until(() -> send(collector, device, push, Duration.ofMinutes(1)).statusCode() == 202);
        ProducerQuota.set(kafka, null);
        assertThat(slowPush.get().statusCode()).isEqualTo(202);

        reader.until(records -> JournalUploadTest.ofDevice(records, device).size() >= 4);
        // A second copy would be committed with or after the first: a quiet moment after it shows it.
        Map<Long, Long> copies = JournalUploadTest.ofDevice(reader.drain(Duration.ofSeconds(3)), device).stream()
            .collect(Collectors.groupingBy(record -> record.value().getSeqnum(), Collectors.counting()));
        assertThat(copies).as("copies of each of the device's entries").isEqualTo(Map.of(1L, 1L, 2L, 1L, 3L, 1L, 4L, 1L));
      }
    } finally {
      kafka.close();
    }
  }

  private static double received(TestCollector collector) {
    return collector.meters.find("fleetpulse.collector.entries.received").counters().stream().mapToDouble(counter -> counter.count()).sum();
  }

  private static int lane(String uuid) {
    return Math.floorMod(uuid.hashCode(), JournalPublisher.WRITERS);
  }

  private static int marksPartition(String uuid) {
    return Utils.toPositive(Utils.murmur2(Topics.deviceKey(uuid).getBytes(StandardCharsets.UTF_8))) % 3;
  }

  /** journalctl JSON lines with sequence numbers {@code from}..{@code to}, messages of {@code size} characters. */
  private static byte[] lines(long from, long to, int size) {
    StringBuilder body = new StringBuilder();
    for (long seqnum = from; seqnum <= to; seqnum++) {
      body.append("{\"__SEQNUM\":\"").append(seqnum).append("\",\"__SEQNUM_ID\":\"").append(SEQNUM_ID)
          .append("\",\"_SYSTEMD_UNIT\":\"myapp.service\",\"MESSAGE\":\"").append("m".repeat(size)).append("\"}\n");
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static HttpResponse<String> send(TestCollector collector, String device, byte[] body, Duration timeout) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(collector.url("/devices/" + device + "/entries"))).timeout(timeout)
        .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> sendUnchecked(TestCollector collector, String device, byte[] body, Duration timeout) {
    try {
      return send(collector, device, body, timeout);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
