package io.fleetpulse.bench;

import io.fleetpulse.simulator.Expectation;
import io.fleetpulse.simulator.SimulationRun;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated day of a healthy fleet's life ({@code ./fleetpulse simulate --profile day}) against a running stack,
 * replayed in a few minutes, then what the stack made of it: every alert it raised (firing or resolved, past episodes
 * included), its devices by status, its events by kind; with the failure scenarios mixed in, which it missed.
 */
final class NoiseBenchmark {

  private static final Logger log = LoggerFactory.getLogger(NoiseBenchmark.class);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** Two of the streams' judging rounds: backfilled episodes are told, time-cleared conditions resolved. */
  private static final Duration SETTLE = Duration.ofSeconds(70);

  record Settings(int devices, Duration day, Duration replayIn, long seed, boolean scenarios) {

    double speed() {
      return Math.max(1, (double) day.toSeconds() / replayIn.toSeconds());
    }
  }

  /**
   * @param noise the alerts no scenario explains: on a device replaying none, and no fleet incident of a fleet-wide scenario's fleet
   */
  record Result(long entries, List<JsonObject> alerts, List<JsonObject> noise, JsonObject devicesByStatus, JsonObject eventsByKind,
                List<String> missed, int expected, Duration took) {}

  private final Settings settings;

  NoiseBenchmark(Settings settings) {
    this.settings = settings;
  }

  Result run(StackUnderTest stack) throws IOException, InterruptedException {
    Instant started = Instant.now();
    try (SimulationRun fleet = SimulationRun.benignDay(settings.devices(), 3, settings.seed(), settings.day(), settings.speed(),
        settings.scenarios(), stack.collectorUrl()).start()) {
      Duration patience = settings.replayIn().multipliedBy(3).plusMinutes(10);
      awaitOrFail("the simulated day reached the present", fleet::caughtUp, patience);
      awaitOrFail("the collector accepted every entry", () -> delivered(fleet.progress()), Duration.ofMinutes(10));
      awaitOrFail("the streams processed every entry", () -> unprocessed(stack) == 0, Duration.ofMinutes(10));
      log.info("Day replayed and processed in {} s; letting the streams judge for {} s", Duration.between(started, Instant.now())
          .toSeconds(), SETTLE.toSeconds());
      CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(SETTLE.toMillis(), TimeUnit.MILLISECONDS)).join();
      List<JsonObject> alerts = new ArrayList<>(alerts(stack, "firing"));
      alerts.addAll(alerts(stack, "resolved"));
      List<String> missed = new ArrayList<>();
      for (Expectation expected : fleet.expectations()) {
        if (alerts.stream().noneMatch(expected::detectedBy)) {
          missed.add(expected.scenario() + " on " + expected.deviceUuid().substring(0, 7));
        }
      }
      // A scenario explains its own alert, any other alert of its device, and for a fleet-wide one (NTP blocked for a
      // third of a fleet) the fleet's incidents of whatever kinds its devices fire.
      List<JsonObject> noise = alerts.stream().filter(alert -> fleet.expectations().stream().noneMatch(expected -> expected.detectedBy(alert)
          || expected.deviceUuid().equals(alert.getString("device"))
          || expected.fleetLevel() && alert.getString("device") == null && expected.fleet().equals(alert.getString("fleet")))).toList();
      JsonObject summary = get(stack, "/api/v1/fleet/summary");
      JsonObject events = get(stack, "/api/v1/fleet/events?hours=" + (settings.day().toHours() + 2));
      return new Result(fleet.progress().accepted(), alerts, noise, summary.getJsonObject("devices", new JsonObject()), totals(events),
          missed, fleet.expectations().size(), Duration.between(started, Instant.now()));
    }
  }

  private static boolean delivered(SimulationRun.Progress progress) {
    return progress.retried() == 0 && progress.accepted() + progress.refused() >= progress.written();
  }

  private static long unprocessed(StackUnderTest stack) {
    try {
      String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return metrics.contains("fleetpulse_pipeline_read_committed_lag")
          ? (long) FleetBenchmark.sum(metrics, "fleetpulse_pipeline_read_committed_lag", "") : Long.MAX_VALUE;
    } catch (IOException e) {
      return Long.MAX_VALUE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Long.MAX_VALUE;
    }
  }

  private static List<JsonObject> alerts(StackUnderTest stack, String state) throws IOException, InterruptedException {
    return get(stack, "/api/v1/alerts?state=" + state + "&limit=1000").getJsonArray("alerts", new JsonArray()).stream()
        .map(JsonObject.class::cast).toList();
  }

  /** Events per kind over the whole span, from the fleet's hourly counts. */
  private static JsonObject totals(JsonObject events) {
    JsonObject totals = new JsonObject();
    events.getJsonObject("kinds", new JsonObject()).forEach(kind -> totals.put(kind.getKey(),
        ((JsonArray) kind.getValue()).stream().mapToLong(count -> ((Number) count).longValue()).sum()));
    return totals;
  }

  private static JsonObject get(StackUnderTest stack, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body());
  }

  /** Looks at {@code done} twice a second on a timer until it holds, or fails saying what it waited for. */
  private static void awaitOrFail(String what, BooleanSupplier done, Duration limit) throws InterruptedException {
    CompletableFuture<Void> reached = new CompletableFuture<>();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    Instant started = Instant.now();
    AtomicLong lastLog = new AtomicLong(System.nanoTime());
    timer.scheduleWithFixedDelay(() -> {
      if (done.getAsBoolean()) {
        reached.complete(null);
      } else if (System.nanoTime() - lastLog.get() > Duration.ofSeconds(30).toNanos()) {
        log.info("Waiting until {} ({} s so far)", what, Duration.between(started, Instant.now()).toSeconds());
        lastLog.set(System.nanoTime());
      }
    }, 0, 500, TimeUnit.MILLISECONDS);
    try {
      reached.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Gave up waiting after " + limit.toMinutes() + " min until " + what
          + "; the stack's log says why (a slower machine needs a longer --minutes)", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Checking whether " + what + " failed", e.getCause());
    } finally {
      timer.shutdownNow();
    }
  }

}
