package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.collector.ratelimit.RateLimitSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafkaBroker.class)
class RateLimitTest {

  @Test
  void aFloodingDeviceGets429WithRetryAfterWhileAnotherKeepsPushing(EmbeddedKafkaBroker kafka) throws Exception {
    TestCollector.provisionTopics(kafka);
    PushSettings limited = new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT, new RateLimitSettings(20, 1_000_000, 1));
    try (TestCollector collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()), limited)) {
      String flooder = "f0000000000000000000000000000001";
      String neighbour = "f0000000000000000000000000000002";

      assertThat(collector.post("/devices/" + flooder + "/entries", "application/x-ndjson", lines(400)).statusCode()).isEqualTo(202);
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> flood = collector.post("/devices/" + flooder + "/entries", "application/x-ndjson", lines(400));
        assertThat(flood.statusCode()).isEqualTo(429);
        assertThat(flood.headers().firstValue("Retry-After").map(Integer::parseInt)).hasValueSatisfying(
            seconds -> assertThat(seconds).isBetween(1, 20));
        assertThat(flood.body()).contains("over its rate limit");

        assertThat(collector.post("/devices/" + neighbour + "/entries", "application/x-ndjson", lines(2)).statusCode()).isEqualTo(202);
      }
      assertThat(collector.meters.get("fleetpulse.collector.requests.rejected").tag("reason", "rate_limited").counter().count())
          .isEqualTo(5);
      assertThat(collector.meters.get("fleetpulse.collector.entries.accepted").tag("ingest", "push-json").counter().count())
          .isEqualTo(400 + 5 * 2);
    }
  }

  private static byte[] lines(int count) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < count; i++) {
      body.append("{\"_SYSTEMD_UNIT\":\"myapp.service\",\"MESSAGE\":\"line ").append(i).append("\"}\n");
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
