package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.collector.ratelimit.RateLimitSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.kafka.TopicReader;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Per-device rate limits, charged as a push is read: past the budget, 429 + Retry-After, and only the accepted part is committed. */
@ExtendWith(SharedKafkaBroker.class)
class RateLimitTest {

  @Test
  void aFloodingDeviceGets429WithRetryAfterWhileAnotherKeepsPushing(EmbeddedKafkaBroker kafka) throws Exception {
    TestCollector.provisionTopics(kafka);
    PushSettings limited = new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT, new RateLimitSettings(20, 1_000_000, 0, 1));
    try (TestCollector collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()), limited)) {
      String flooder = "f0000000000000000000000000000001";
      String neighbour = "f0000000000000000000000000000002";

      HttpResponse<String> first = collector.post("/devices/" + flooder + "/entries", "application/x-ndjson", lines(0, 400));
      assertThat(first.statusCode()).as("400 entries against a burst of 20").isEqualTo(429);
      int accepted = new JsonObject(first.body()).getInteger("accepted");
      assertThat(accepted).isBetween(20, 40);
      int acceptedLater = 0;
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> flood = collector.post("/devices/" + flooder + "/entries", "application/x-ndjson", lines(1000 * (i + 1), 400));
        assertThat(flood.statusCode()).isEqualTo(429);
        assertThat(flood.headers().firstValue("Retry-After").map(Integer::parseInt)).hasValueSatisfying(
            seconds -> assertThat(seconds).isBetween(1, 20));
        assertThat(flood.body()).contains("over its rate limit");
        acceptedLater += new JsonObject(flood.body()).getInteger("accepted", 0);

        assertThat(collector.post("/devices/" + neighbour + "/entries", "application/x-ndjson", lines(i * 2, 2)).statusCode()).isEqualTo(202);
      }
      assertThat(collector.meters.get("fleetpulse.collector.requests.rejected").tag("reason", "rate_limited").counter().count())
          .isEqualTo(6);
      assertThat(collector.meters.get("fleetpulse.collector.entries.accepted").tag("ingest", "push-json").counter().count())
          .as("what the 429s reported as accepted, and the neighbour's").isEqualTo(accepted + acceptedLater + 5 * 2);
    }
  }

  /**
   * The case: one request far over the burst for a new device used to be accepted whole. Now it is cut
   * where the budget ends; exactly the part reported accepted is on the topics, and a re-send of the whole
   * request later finds that part recognised (it costs no budget) and takes the next part.
   */
  @Test
  void aRequestFarOverTheBurstIsCutWhereTheBudgetEndsAndTheResendContinuesFromThere(EmbeddedKafkaBroker kafka) throws Exception {
    TestCollector.provisionTopics(kafka);
    String device = "f0000000000000000000000000000011";
    PushSettings limited = new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT, new RateLimitSettings(100, 0, 0, 10));
    byte[] backlog = lines(0, 20_000);
    try (TestCollector collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()), limited)) {
      HttpResponse<String> first = collector.post("/devices/" + device + "/entries", "application/x-ndjson", backlog);
      assertThat(first.statusCode()).isEqualTo(429);
      assertThat(first.headers().firstValue("Retry-After")).isPresent();
      JsonObject firstBody = new JsonObject(first.body());
      int acceptedFirst = firstBody.getInteger("accepted");
      assertThat(acceptedFirst).as("the burst (100/s × 10 s) and what refilled while the request was read").isBetween(1_000, 2_000);

      HttpResponse<String> resend = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> collector.post("/devices/" + device + "/entries", "application/x-ndjson", backlog),
              response -> new JsonObject(response.body()).getInteger("accepted", 0) > 0);
      JsonObject resendBody = new JsonObject(resend.body());
      assertThat(resendBody.getInteger("duplicates")).as("the part accepted before is recognised").isEqualTo(acceptedFirst);
      int acceptedAfter = resendBody.getInteger("accepted");

      try (TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(), Topics.journalTopics())) {
        List<ConsumerRecord<String, JournalEntry>> records = reader.until(all ->
            JournalUploadTest.ofDevice(all, device).size() >= acceptedFirst + acceptedAfter);
        List<Long> seqnums = JournalUploadTest.ofDevice(records, device).stream().map(record -> record.value().getSeqnum()).sorted().toList();
        assertThat(seqnums).as("each accepted entry once, in request order, nothing past what was reported")
            .isEqualTo(java.util.stream.LongStream.range(0, acceptedFirst + acceptedAfter).boxed().toList());
      }
    }
  }

  /**
   * Re-sent entries cost no entry budget, so a device re-sending one batch in a tight loop (a broken retry loop)
   * was served as fast as it asked. Each push now takes a request token: past the burst, 429 before the body is read.
   */
  @Test
  void aDeviceReSendingInATightLoopIsHeldToItsRequestRate(EmbeddedKafkaBroker kafka) throws Exception {
    TestCollector.provisionTopics(kafka);
    String looping = "f0000000000000000000000000000021";
    PushSettings limited = new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT, new RateLimitSettings(0, 0, 1, 5));
    byte[] batch = lines(0, 3);
    try (TestCollector collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()), limited)) {
      int served = 0;
      HttpResponse<String> answer;
      while ((answer = collector.post("/devices/" + looping + "/entries", "application/x-ndjson", batch)).statusCode() == 202 && served < 100) {
        served++;
      }
      assertThat(served).as("the burst (1/s x 5 s), and what refilled while the loop ran").isBetween(5, 20);
      assertThat(answer.statusCode()).isEqualTo(429);
      assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(answer.body()).contains("over its rate limit");
      assertThat(collector.post("/devices/f0000000000000000000000000000022/entries", "application/x-ndjson", batch).statusCode())
          .as("another device").isEqualTo(202);
    }
  }

  /** {@code count} journal lines numbered from {@code from}, each with its own sequence number. */
  static byte[] lines(int from, int count) {
    StringBuilder body = new StringBuilder();
    for (int i = from; i < from + count; i++) {
      body.append("{\"__SEQNUM\":\"").append(i).append("\",\"__SEQNUM_ID\":\"a1\",\"_SYSTEMD_UNIT\":\"myapp.service\",\"MESSAGE\":\"line ")
          .append(i).append("\"}\n");
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
