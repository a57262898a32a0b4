package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The collector's memory for pushes in flight is bounded: pushes that hold their read-but-uncommitted
 * bytes (here: stalled half-way, on real sockets) fill the budget, the next push is answered 503 with
 * Retry-After instead of growing the heap, and an abandoned push gives its share back at once.
 */
@ExtendWith(SharedKafkaBroker.class)
class InFlightBudgetTest {

  /** Few, large entries: under a batch (1,000 entries, 1 MiB), so nothing is committed and released early. */
  private static final String ENTRY = "{\"_SYSTEMD_UNIT\":\"myapp.service\",\"MESSAGE\":\"" + "x".repeat(10_000) + "\"}\n";
  private static final int HELD_PER_PUSH = 90 * ENTRY.length();

  @Test
  void pushesHoldingTheBudgetMakeTheNextOneWaitAndGiveItBackWhenAbandoned(EmbeddedKafkaBroker kafka) throws Exception {
    TestCollector.provisionTopics(kafka);
    PushSettings settings = new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT).withInFlightBytes(PushSettings.MIN_IN_FLIGHT_BYTES);
    try (TestCollector collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()), settings)) {
      List<Socket> stalled = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          stalled.add(stallHalfWay(collector, "c1000000000000000000000000000" + "00" + i));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> inFlight(collector) >= 4.0 * HELD_PER_PUSH);
        assertThat(inFlight(collector)).isLessThanOrEqualTo(PushSettings.MIN_IN_FLIGHT_BYTES);

        HttpResponse<String> next = collector.post("/devices/c1000000000000000000000000000100/entries", "application/x-ndjson",
            (ENTRY.repeat(80)).getBytes(StandardCharsets.UTF_8));
        assertThat(next.statusCode()).as("over the budget").isEqualTo(503);
        assertThat(next.headers().firstValue("Retry-After")).isPresent();
        assertThat(next.body()).contains("memory budget");
        assertThat(new JsonObject(next.body()).getInteger("accepted")).as("what fitted is committed and said").isLessThan(80);
        assertThat(collector.meters.get("fleetpulse.collector.requests.rejected").tag("reason", "memory_budget").counter().count())
            .isEqualTo(1);
      } finally {
        for (Socket socket : stalled) {
          socket.close();
        }
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> inFlight(collector) == 0);
      assertThat(collector.post("/devices/c1000000000000000000000000000100/entries", "application/x-ndjson",
          (ENTRY.repeat(80)).getBytes(StandardCharsets.UTF_8)).statusCode()).as("abandoned pushes gave their share back").isEqualTo(202);
    }
  }

  private static double inFlight(TestCollector collector) {
    return collector.meters.get("fleetpulse.collector.inflight.bytes").gauge().value();
  }

  /** A push whose body stops after {@link #HELD_PER_PUSH} bytes of a much longer declared length, its connection left open. */
  private static Socket stallHalfWay(TestCollector collector, String device) throws IOException {
    Socket socket = new Socket("127.0.0.1", collector.server.port());
    OutputStream out = socket.getOutputStream();
    out.write(("POST /devices/" + device + "/entries HTTP/1.1\r\nHost: collector\r\nContent-Type: application/x-ndjson\r\n"
        + "Content-Length: " + 10 * HELD_PER_PUSH + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(ENTRY.repeat(90).getBytes(StandardCharsets.UTF_8));
    out.flush();
    return socket;
  }
}
