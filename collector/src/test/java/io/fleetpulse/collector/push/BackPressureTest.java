package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When Kafka cannot keep up, the collector says so instead of slowing down silently: pushes are refused with
 * 503 + Retry-After, either before their body is read once pushes have waited more than half the delivery
 * timeout ("behind"), or when their commit times out (settled, "retry later"). Kafka is made slow the way a saturated
 * cluster is, for the producers: a produce quota of 100 bytes/s, which the broker enforces by delaying its answers;
 * a broker of its own, since the quota covers every client.
 */
class BackPressureTest {

  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void pushesAreRefusedWhileTheCollectorIsBehindAndTakenAgainOnceKafkaKeepsUp(@TempDir Path dir) throws Exception {
    EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(dir.resolve("kafka"))).start();
    try {
      TestCollector.provisionTopics(kafka);
      PublisherSettings publisher = new PublisherSettings(kafka.bootstrapServers(), Duration.ofSeconds(4), Map.of());
      try (TestCollector collector = new TestCollector(publisher, new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT))) {
        collector.publisher.bindMetrics(collector.meters);
        assertThat(push(collector, 0).statusCode()).isEqualTo(202);
        ProducerQuota.set(kafka, 100.0);
        // 16 devices push every 500 ms, on a timer, until the collector is seen refusing.
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor(runnable -> {
          Thread thread = new Thread(runnable, "push-load");
          thread.setDaemon(true); // a failed assertion must not leave it pushing
          return thread;
        });
        AtomicInteger round = new AtomicInteger();
        load.scheduleAtFixedRate(() -> {
          int now = round.incrementAndGet();
          for (int device = 1; device <= 16; device++) {
            http.sendAsync(request(collector, device, now), HttpResponse.BodyHandlers.ofString());
          }
        }, 0, 500, TimeUnit.MILLISECONDS);

        HttpResponse<String> refused = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
            .until(() -> push(collector, 99), response -> response.statusCode() == 503);
        // Which 503 depends on where the slowness bites first: pushes waiting past half the delivery timeout
        // ("behind"), or commits timing out and being settled ("retry later"); never a silent slow 202.
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).containsAnyOf("behind", "retry later");

        load.shutdownNow();
        load.awaitTermination(10, TimeUnit.SECONDS);
        ProducerQuota.set(kafka, null);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> push(collector, 98).statusCode() == 202);
        assertThat(collector.meters.find("fleetpulse.collector.requests.rejected").tag("ingest", "push-json").counters().stream()
            .filter(counter -> List.of("behind", "kafka_unavailable").contains(counter.getId().getTag("reason")))
            .mapToDouble(counter -> counter.count()).sum()).isPositive();
      }
    } finally {
      kafka.close();
    }
  }


  private static HttpResponse<String> push(TestCollector collector, int device) throws Exception {
    return http.send(request(collector, device, 0), HttpResponse.BodyHandlers.ofString());
  }

  /** Devices speak HTTP/1.1, a connection each (HTTP/2 would cap the streams one client may have open). */
  private static HttpRequest request(TestCollector collector, int device, int round) {
    return HttpRequest.newBuilder(URI.create(collector.url(path(device)))).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofByteArray(line(round))).build();
  }

  private static String path(int device) {
    return String.format("/devices/b6%030d/entries", device);
  }

  private static byte[] line(int round) {
    return ("{\"MESSAGE\":\"round " + round + "\",\"_SYSTEMD_UNIT\":\"myapp.service\"}\n").getBytes(StandardCharsets.UTF_8);
  }
}
