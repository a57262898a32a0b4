package io.fleetpulse.bench;

import io.fleetpulse.simulator.DeviceJournal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bench query --journal}: a device's journal read around an alert ({@code alert=ID&before=50&after=50}) and
 * a followed journal's latency, while the collector takes a steady ingest, beside {@code /healthz} at the same rate
 * in the same run.
 *
 * <p>Every device's journal is loaded first ({@code linesPerDevice} lines within the last 20 minutes); every
 * {@code alertEvery}-th device keeps the whole default retention (2,000 lines) with the masterclass's crash loop in
 * the middle, so each alert read is on a full journal. A followed line's latency is from the push that carries it
 * (its send time in its message) to its arrival as a server-sent event.
 */
final class JournalQueryBenchmark {

  private static final Logger log = LoggerFactory.getLogger(JournalQueryBenchmark.class);
  private static final String FLEET = "bench";
  private static final int FULL_JOURNAL = 2_000;
  private static final int LINES_PER_PUSH = 500;
  private static final int INGEST_LINES_PER_PUSH = 20;
  private static final String MARK = "bench-follow ";

  record Settings(int devices, int linesPerDevice, int alertEvery, int ingestRate, int readRate, int followers, Duration duration) {}

  /** The reads (baseline first), the follow latencies, and the ingest offered and taken meanwhile. */
  record Result(List<OpenLoopLoad.Result> reads, OpenLoopLoad.Result follow, double ingestOffered, double ingestAccepted,
                long ingestRefused) {}

  private final Settings settings;
  private final List<String> devices = new ArrayList<>();
  private final List<DeviceJournal> journals = new ArrayList<>();

  JournalQueryBenchmark(Settings settings) {
    this.settings = settings;
    for (int i = 0; i < settings.devices(); i++) {
      String uuid = String.format("be%030x", i);
      devices.add(uuid);
      journals.add(new DeviceJournal(uuid, FLEET, i));
    }
  }

  Result run(String collectorUrl, String apiHost, int apiPort) throws Exception {
    String api = "http://" + apiHost + ":" + apiPort;
    Vertx vertx = Vertx.vertx();
    try {
      load(vertx, collectorUrl);
      QueryBenchmark.awaitHealth(api, devices);
      List<String> alertReads = awaitAlerts(api);

      Load ingest = new Load(vertx, collectorUrl);
      OpenLoopLoad reads = new OpenLoopLoad(vertx, apiHost, apiPort);
      try {
        log.info("Ingest at {} entries/s; warming up journal reads for 5 s", settings.ingestRate());
        reads.run("warm-up", i -> alertReads.get(i % alertReads.size()), settings.readRate(), Duration.ofSeconds(5));
        ingest.startCounting();
        log.info("Measuring GET /healthz at {} req/s for {} s (baseline)", settings.readRate(), settings.duration().toSeconds());
        OpenLoopLoad.Result baseline = reads.run("GET /healthz", i -> "/healthz", settings.readRate(), settings.duration());
        log.info("Measuring GET journal?alert=ID&before=50&after=50 at {} req/s for {} s, {} devices followed",
            settings.readRate(), settings.duration().toSeconds(), settings.followers());
        Followers followers = new Followers(vertx, apiHost, apiPort);
        followers.open(ingest);
        OpenLoopLoad.Result aroundAlert = reads.run("GET journal?alert=ID&before=50&after=50 (" + FULL_JOURNAL + " lines kept)",
            i -> alertReads.get(mixed(i, alertReads.size())), settings.readRate(), settings.duration());
        OpenLoopLoad.Result follow = followers.close();
        double seconds = ingest.countedSeconds();
        return new Result(List.of(baseline, aroundAlert), follow, ingest.offered / seconds,
            (ingest.pushes.acceptedEntries() - ingest.acceptedBefore) / seconds, ingest.pushes.refusedRequests());
      } finally {
        ingest.stop();
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  /** Each device's journal: ordinary engine lines of a quarter of an hour, a full one with a crash loop on alerted devices. */
  private void load(Vertx vertx, String collectorUrl) throws InterruptedException {
    int alerted = (settings.devices() + settings.alertEvery() - 1) / settings.alertEvery();
    long lines = (long) (settings.devices() - alerted) * settings.linesPerDevice() + (long) alerted * FULL_JOURNAL;
    log.info("Loading {} journal lines of {} devices ({} with a crash loop in {} lines) through the collector", lines,
        settings.devices(), alerted, FULL_JOURNAL);
    CollectorPushes pushes = new CollectorPushes(vertx, collectorUrl, FLEET, 64);
    Semaphore room = new Semaphore(64);
    // The last 20 minutes: older data than 30 minutes arrives as a backfill, whose alerts the streams hold until the
    // data reaches the present; live data fires at once.
    Instant start = Instant.now().minus(Duration.ofMinutes(20));
    try {
      for (int d = 0; d < devices.size(); d++) {
        boolean alert = d % settings.alertEvery() == 0;
        int count = alert ? FULL_JOURNAL : settings.linesPerDevice();
        long stepMs = Duration.ofMinutes(15).toMillis() / count;
        DeviceJournal journal = journals.get(d);
        List<List<String>> chunks = new ArrayList<>();
        for (int line = 0; line < count; line++) {
          Instant at = start.plusMillis(line * stepMs);
          if (alert && line == count / 2) {
            journal.crashLoop(at);
          }
          journal.engineLine(at, "time=\"" + at + "\" level=info msg=\"ignoring event\" module=libcontainerd namespace=moby "
              + "topic=/tasks/delete type=\"*events.TaskDelete\" line=" + line);
          if ((line + 1) % LINES_PER_PUSH == 0 || line == count - 1) {
            chunks.add(journal.drain());
          }
        }
        // A device's pushes one after the other, as a device sends them: the collector takes a device's sequence
        // numbers in order, and drops what is below the newest it committed as re-sent.
        room.acquire();
        String device = devices.get(d);
        Future<Integer> sent = Future.succeededFuture(202);
        for (List<String> chunk : chunks) {
          sent = sent.compose(status -> pushes.push(device, chunk));
        }
        sent.onComplete(done -> room.release());
        if ((d + 1) % 1_000 == 0) {
          log.info("Loaded {} of {} devices' journals", d + 1, devices.size());
        }
      }
      room.acquire(64);
    } finally {
      pushes.close();
    }
    if (pushes.refusedRequests() > 0) {
      throw new IllegalStateException(pushes.refusedRequests() + " loading pushes were refused: see the stack's log");
    }
  }

  /** The journal reads around every CRASHLOOP alert of the fleet, once the streams have raised them all. */
  private List<String> awaitAlerts(String api) throws Exception {
    int expected = (settings.devices() + settings.alertEvery() - 1) / settings.alertEvery();
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    while (true) {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/alerts?fleet=" + FLEET
          + "&kind=CRASHLOOP&limit=1000")).build(), HttpResponse.BodyHandlers.ofString());
      JsonArray alerts = answer.statusCode() == 200 ? new JsonObject(answer.body()).getJsonArray("alerts") : new JsonArray();
      if (alerts.size() >= Math.min(expected, 1_000)) {
        List<String> reads = new ArrayList<>();
        for (int i = 0; i < alerts.size(); i++) {
          JsonObject alert = alerts.getJsonObject(i);
          reads.add("/api/v1/devices/" + alert.getString("device") + "/journal?alert=" + alert.getString("id") + "&before=50&after=50");
        }
        log.info("{} CRASHLOOP alerts raised", reads.size());
        return reads;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("only " + alerts.size() + " of " + expected + " CRASHLOOP alerts within 5 minutes");
      }
      log.info("Streams have raised {} of {} CRASHLOOP alerts", alerts.size(), expected);
      LockSupport.parkNanos(Duration.ofSeconds(2).toNanos());
    }
  }

  /** A pseudo-random index below {@code size} for request {@code i}, the same in every run. */
  private static int mixed(int i, int size) {
    long mixed = (i + 1) * 0x9E3779B97F4A7C15L;
    return (int) Long.remainderUnsigned(mixed ^ (mixed >>> 31), size);
  }

  /**
   * The steady ingest, and the followed devices' marked lines twice a second, from one timer: the devices' journals
   * are written on its thread only. Followed devices get no other lines, so each followed line is one marked line.
   */
  private final class Load {

    private final Vertx vertx;
    final CollectorPushes pushes;
    private final CollectorPushes marks;
    private final long timer;
    private volatile List<Integer> followed = List.of();
    private final Set<Integer> marking = ConcurrentHashMap.newKeySet();
    private int next;
    private long ticks;
    long offered;
    long acceptedBefore;
    private long countingSince;
    private volatile boolean counting;

    Load(Vertx vertx, String collectorUrl) {
      this.vertx = vertx;
      this.pushes = new CollectorPushes(vertx, collectorUrl, FLEET, 256);
      this.marks = new CollectorPushes(vertx, collectorUrl, FLEET, 64);
      this.timer = vertx.setPeriodic(10, id -> tick());
    }

    void follow(List<Integer> devices) {
      followed = devices;
    }

    void startCounting() {
      acceptedBefore = pushes.acceptedEntries();
      countingSince = System.nanoTime();
      counting = true;
    }

    double countedSeconds() {
      return (System.nanoTime() - countingSince) / 1e9;
    }

    private void tick() {
      Instant now = Instant.now();
      int entries = settings.ingestRate() / 100;
      for (int sent = 0; sent < entries; sent += INGEST_LINES_PER_PUSH) {
        int device = next++ % devices.size();
        if (device < settings.followers() + 1) {
          continue;
        }
        DeviceJournal journal = journals.get(device);
        for (int line = 0; line < INGEST_LINES_PER_PUSH; line++) {
          journal.engineLine(now, "time=\"" + now + "\" level=info msg=\"ingest\" n=" + line);
        }
        List<String> lines = journal.drain();
        if (counting) {
          offered += lines.size();
        }
        pushes.push(devices.get(device), lines);
      }
      if (ticks++ % 50 == 0) {
        for (int device : followed) {
          // One mark in flight per device: a later push overtaking an earlier one would be taken for a re-send.
          if (marking.add(device)) {
            DeviceJournal journal = journals.get(device);
            journal.engineLine(now, MARK + System.nanoTime());
            marks.push(devices.get(device), journal.drain()).onComplete(done -> marking.remove(device));
          }
        }
      }
    }

    void stop() {
      vertx.cancelTimer(timer);
      pushes.close();
      marks.close();
    }
  }

  /** Clients following devices' journals, timing each marked line from its push to its event. */
  private final class Followers {

    private final HttpClient http;
    private final List<Long> latencies = new ArrayList<>();
    private final List<Integer> devicesFollowed = new ArrayList<>();
    private Load load;

    Followers(Vertx vertx, String host, int port) {
      this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port).setIdleTimeout(0),
          new PoolOptions().setHttp1MaxSize(settings.followers()));
    }

    /** Devices 1 … followers (device 0 has an alert and the ingest skips them all). */
    void open(Load load) {
      this.load = load;
      for (int device = 1; device <= settings.followers(); device++) {
        devicesFollowed.add(device);
        http.request(HttpMethod.GET, "/api/v1/devices/" + devices.get(device) + "/journal?follow=true&limit=1")
            .compose(request -> request.send())
            .onSuccess(response -> {
              if (response.statusCode() != 200) {
                log.warn("a follow was answered {}", response.statusCode());
              }
              read(response);
            })
            .onFailure(error -> log.warn("a follow failed to open: {}", error.toString()));
      }
      load.follow(List.copyOf(devicesFollowed));
    }

    /** Server-sent events line by line; a marked line's data is timed as it arrives. */
    private void read(HttpClientResponse response) {
      response.handler(RecordParser.newDelimited("\n", line -> {
        long arrived = System.nanoTime();
        String text = line.toString();
        if (text.startsWith("data: {")) {
          String message = new JsonObject(text.substring(6)).getString("message", "");
          if (message.startsWith(MARK)) {
            synchronized (latencies) {
              latencies.add(arrived - Long.parseLong(message.substring(MARK.length())));
            }
          }
        }
      }));
    }

    OpenLoopLoad.Result close() {
      load.follow(List.of());
      http.close();
      long[] sorted;
      synchronized (latencies) {
        sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      }
      String name = "followed line: push sent → server-sent event (" + devicesFollowed.size() + " clients)";
      if (sorted.length == 0) {
        log.warn("No followed line arrived within the run: see the stack's log");
        return new OpenLoopLoad.Result(name + ": none arrived", 0, settings.duration().toSeconds(), Double.NaN, Double.NaN, Double.NaN, 0);
      }
      return new OpenLoopLoad.Result(name, sorted.length, settings.duration().toSeconds(), OpenLoopLoad.millis(sorted, 0.5), OpenLoopLoad.millis(sorted, 0.99),
          sorted[sorted.length - 1] / 1e6, 0);
    }
  }
}
