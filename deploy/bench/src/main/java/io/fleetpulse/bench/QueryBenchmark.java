package io.fleetpulse.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bench query}: device health lookups on random devices of a loaded fleet, at a fixed rate,
 * side by side with the same load on {@code /healthz} (the HTTP stack without any state read) in the
 * same run. The ratio is what the store read and routing cost on top of serving HTTP at all.
 */
final class QueryBenchmark {

  private static final Logger log = LoggerFactory.getLogger(QueryBenchmark.class);

  record Settings(int devices, int rate, Duration duration) {}

  private final Settings settings;

  QueryBenchmark(Settings settings) {
    this.settings = settings;
  }

  /** Loads the fleet through the collector, then measures; returns the baseline first. */
  List<OpenLoopLoad.Result> run(String collectorUrl, String apiHost, int apiPort) throws Exception {
    List<String> devices = new ArrayList<>();
    for (int i = 0; i < settings.devices(); i++) {
      devices.add(String.format("be%030x", i));
    }
    load(collectorUrl, devices);
    awaitHealth("http://" + apiHost + ":" + apiPort, devices);

    Vertx vertx = Vertx.vertx();
    try {
      OpenLoopLoad load = new OpenLoopLoad(vertx, apiHost, apiPort);
      log.info("Warming up for 5 s");
      load.run("warm-up", i -> health(devices, i), settings.rate(), Duration.ofSeconds(5));
      log.info("Measuring GET /healthz at {} req/s for {} s (baseline)", settings.rate(), settings.duration().toSeconds());
      OpenLoopLoad.Result baseline = load.run("GET /healthz", i -> "/healthz", settings.rate(), settings.duration());
      log.info("Measuring GET /api/v1/devices/{uuid}/health on random devices at {} req/s for {} s", settings.rate(),
          settings.duration().toSeconds());
      OpenLoopLoad.Result health = load.run("GET /api/v1/devices/{uuid}/health", i -> health(devices, i), settings.rate(), settings.duration());
      return List.of(baseline, health);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  /** A pseudo-random device for request {@code i}, the same in every run. */
  private static String health(List<String> devices, int i) {
    long mixed = (i + 1) * 0x9E3779B97F4A7C15L;
    return "/api/v1/devices/" + devices.get((int) Long.remainderUnsigned(mixed ^ (mixed >>> 31), devices.size())) + "/health";
  }

  private void load(String collectorUrl, List<String> devices) throws InterruptedException {
    log.info("Loading {} devices through the collector", devices.size());
    HttpClient http = HttpClient.newHttpClient();
    Semaphore inFlight = new Semaphore(64);
    List<CompletableFuture<?>> pushes = new ArrayList<>();
    long now = Instant.now().toEpochMilli() * 1000;
    for (String device : devices) {
      String line = new JsonObject().put("__REALTIME_TIMESTAMP", Long.toString(now)).put("__MONOTONIC_TIMESTAMP", "600000000")
          .put("__SEQNUM", "1").put("_BOOT_ID", "b0" + device.substring(2)).put("SYSLOG_IDENTIFIER", "chronyd").put("_PID", "702")
          .put("_SYSTEMD_UNIT", "chronyd.service").put("MESSAGE", "Selected source 85.199.214.100").encode();
      inFlight.acquire();
      pushes.add(http.sendAsync(HttpRequest.newBuilder(URI.create(collectorUrl + "/fleets/bench/devices/" + device + "/entries"))
              .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(line + "\n")).build(),
          HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> inFlight.release()));
    }
    CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new)).join();
  }

  static void awaitHealth(String api, List<String> devices) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    while (Instant.now().isBefore(deadline)) {
      int known = countDevices(http, api);
      if (known >= devices.size()) {
        log.info("{} devices have health", known);
        return;
      }
      log.info("Streams have computed health for {} of {} devices", known, devices.size());
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(2).toNanos());
    }
    throw new IllegalStateException("health for " + devices.size() + " devices did not appear within 5 minutes");
  }

  private static int countDevices(HttpClient http, String api) throws Exception {
    int count = 0;
    String cursor = null;
    do {
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/devices?fleet=bench&limit=1000"
          + (cursor == null ? "" : "&cursor=" + cursor))).build(), HttpResponse.BodyHandlers.ofString());
      if (page.statusCode() != 200) {
        return count;
      }
      JsonObject body = new JsonObject(page.body());
      count += body.getJsonArray("devices").size();
      cursor = body.getString("next");
    } while (cursor != null);
    return count;
  }
}
