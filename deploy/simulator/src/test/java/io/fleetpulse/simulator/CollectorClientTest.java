package io.fleetpulse.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A busy collector (503) loses the simulator nothing: entries and disk samples alike come again with the next push. */
class CollectorClientTest {

  @Test
  void entriesAndDiskSamplesRefusedWithA503AreSentAgain() throws Exception {
    Vertx vertx = Vertx.vertx();
    List<String> acceptedDisks = new CopyOnWriteArrayList<>();
    AtomicInteger acceptedEntries = new AtomicInteger();
    AtomicInteger requests = new AtomicInteger();
    try {
      HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
        if (requests.incrementAndGet() <= 4) {
          request.response().setStatusCode(503).putHeader("Retry-After", "1").end();
          return;
        }
        if (request.path().endsWith("/metrics")) {
          new JsonObject(body.toString()).getJsonArray("disk").forEach(sample -> acceptedDisks.add(((JsonObject) sample).getString("at")));
        } else if (request.path().endsWith("/entries")) {
          acceptedEntries.addAndGet((int) body.toString().lines().count());
        }
        request.response().setStatusCode(202).end();
      })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
      CollectorClient client = new CollectorClient("http://127.0.0.1:" + server.actualPort());

      // One device pushing JSON lines, one sample a minute: its first second carries both, refused with 503.
      FleetSimulator fleet = new FleetSimulator(new SimulatorSettings(1, 1, 3, 9, EnumSet.noneOf(Scenario.class)));
      Instant start = Instant.parse("2026-12-07T00:00:00Z");
      List<String> sampled = new ArrayList<>();
      int written = 0;
      for (int second = 0; second < 4; second++) {
        FleetSimulator.Tick tick = fleet.tick(start.plusSeconds(second));
        tick.diskSamples().values().forEach(samples -> samples.forEach(sample -> sampled.add(sample.getString("at"))));
        written += tick.entries().values().stream().mapToInt(List::size).sum();
        client.push(tick).get();
      }
      // Nothing new after this: what was refused goes out on its own.
      client.push(new FleetSimulator.Tick(Map.of(), Map.of())).get();
      client.push(new FleetSimulator.Tick(Map.of(), Map.of())).get();

      assertThat(sampled).isNotEmpty();
      assertThat(acceptedDisks).containsExactlyElementsOf(sampled);
      assertThat(fleet.devices().get(0).exportFormat).isFalse();
      assertThat(acceptedEntries.get()).isEqualTo(written);
      assertThat(client.stats().accepted()).isEqualTo(written);
      assertThat(client.stats().retried()).isPositive();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
