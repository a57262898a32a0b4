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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A busy collector (503) loses the simulator nothing: entries and disk samples alike come again with the next push. */
class CollectorClientTest {

  private final List<CollectorClient> clients = new ArrayList<>();

  @AfterEach
  void closeClients() {
    clients.forEach(CollectorClient::close);
  }

  private CollectorClient closeAfter(CollectorClient client) {
    clients.add(client);
    return client;
  }

  /**
   * A turn freed by an answer goes to the next device at once: a fleet far larger than the turns is served within
   * its second when the collector answers fast, not a few hundred devices a second (issue 29: at 100,000 devices
   * the simulator fell minutes behind a collector that kept up).
   */
  @Test
  void aFleetLargerThanItsTurnsIsServedWithinTheSecond() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body ->
          request.response().setStatusCode(202).end())).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
      CollectorClient client = closeAfter(new CollectorClient("http://127.0.0.1:" + server.actualPort()));
      FleetSimulator fleet = new FleetSimulator(new SimulatorSettings(5 * CollectorClient.MAX_IN_FLIGHT, 1, 1, 5,
          EnumSet.noneOf(Scenario.class)));
      FleetSimulator.Tick tick = fleet.tick(Instant.parse("2026-12-07T00:00:00Z"));
      int written = tick.entries().values().stream().mapToInt(List::size).sum();
      assertThat(tick.entries()).hasSizeGreaterThan(2 * CollectorClient.MAX_IN_FLIGHT);

      client.push(tick).get();

      assertThat(client.stats().accepted()).isEqualTo(written);
      assertThat(client.stats().requests()).isEqualTo(tick.entries().size() + tick.diskSamples().size());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

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
      CollectorClient client = closeAfter(new CollectorClient("http://127.0.0.1:" + server.actualPort()));

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

  /** A fleet comes from one address: it never holds more requests open than a collector lets one address have. */
  @Test
  void aThousandDevicesNeverHoldMoreRequestsOpenThanTheCap() throws Exception {
    Vertx vertx = Vertx.vertx();
    AtomicInteger open = new AtomicInteger();
    AtomicInteger mostOpen = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    try {
      HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
        mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        vertx.setTimer(50, timer -> {
          open.decrementAndGet();
          answered.incrementAndGet();
          request.response().setStatusCode(202).end();
        });
      })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
      CollectorClient client = closeAfter(new CollectorClient("http://127.0.0.1:" + server.actualPort()));
      FleetSimulator fleet = new FleetSimulator(new SimulatorSettings(1000, 1, 1, 3, EnumSet.noneOf(Scenario.class)));
      Instant start = Instant.parse("2026-12-07T00:00:00Z");
      int written = 0;
      for (int second = 0; second < 6; second++) {
        FleetSimulator.Tick tick = fleet.tick(start.plusSeconds(second));
        written += tick.entries().values().stream().mapToInt(List::size).sum();
        client.push(tick).get();
      }
      for (int round = 0; round < 10 && client.stats().accepted() < written; round++) {
        client.push(new FleetSimulator.Tick(Map.of(), Map.of())).get();
      }
      assertThat(mostOpen.get()).isPositive().isLessThanOrEqualTo(CollectorClient.MAX_IN_FLIGHT);
      assertThat(client.stats().accepted()).as("every device got its turn").isEqualTo(written);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
