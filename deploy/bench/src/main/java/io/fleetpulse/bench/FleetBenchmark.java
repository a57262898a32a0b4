package io.fleetpulse.bench;

import io.fleetpulse.simulator.SimulationRun;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bench fleet}: a simulated fleet of N devices offering a fixed total of entries per second to an
 * all-in-one child process; after a warm load, a window in which what it accepts, how far health lags,
 * its memory and GC, and the read endpoints' latency are measured. The live heap (after a full GC) before
 * and after gives the heap each device costs.
 */
final class FleetBenchmark {

  private static final Logger log = LoggerFactory.getLogger(FleetBenchmark.class);
  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
  /** Why the collector answers 429 or 503 (its {@code reason} label). */
  private static final List<String> REFUSALS = List.of("behind", "kafka_unavailable", "rate_limited");

  /** Reads per second on each endpoint during the window: a support team's page views, not a load test. */
  private static final int READS_PER_SECOND = 20;
  /** Requests of the connection cost's two phases, each; below the collector's new connections per address and second. */
  private static final int CONNECTION_PROBES = 3_000;
  private static final int CONNECTION_PROBES_PER_SECOND = 150;

  record Settings(int devices, double entriesPerSecond, Duration load, Duration window, long seed) {}

  /** What one run measured. */
  record Result(Settings settings, double acceptedPerSecond, Map<String, Long> refusedRequests, double healthLagMaxSeconds, double heapUsedMaxMiB,
                double gcShare, double gcPauseMaxSeconds, double rssMaxMiB, long liveHeapBeforeBytes, long liveHeapAfterBytes,
                List<Read> reads, Cpu cpu, ConnectionCost connections) {

    double liveHeapPerDeviceBytes() {
      return (liveHeapAfterBytes - liveHeapBeforeBytes) / (double) settings.devices();
    }
  }

  /**
   * One read endpoint: its latency, and the CPU its requests cost the API's worker threads (where store reads
   * and their JSON run), beyond what those threads used without reads (disk samples use them too).
   */
  record Read(OpenLoopLoad.Result latency, double workerMicrosPerRequest) {}

  /**
   * Where the stack's CPU went during the window: seconds by kind of thread (its threads' names without their
   * numbers), over the push requests and entries it accepted meanwhile.
   */
  record Cpu(double seconds, double windowSeconds, long pushRequests, long entries, Map<String, Double> byThreadKind) {

    double cores() {
      return seconds / windowSeconds;
    }

    double microsPerPushRequest() {
      return pushRequests == 0 ? 0 : seconds * 1e6 / pushRequests;
    }

    double microsPerEntry() {
      return entries == 0 ? 0 : seconds * 1e6 / entries;
    }

    /** The kinds of thread that used the most, largest first, as "name share%". */
    List<String> top(int kinds) {
      return byThreadKind.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(kinds)
          .map(kind -> String.format(Locale.ROOT, "%s %.0f %%", kind.getKey(), 100 * kind.getValue() / seconds)).toList();
    }
  }

  /**
   * What a connection costs the collector beyond the request on it: the same requests at the same rate, each on
   * a connection of its own and then all on kept-alive ones; the difference of the HTTP threads' CPU per request.
   */
  record ConnectionCost(int requests, double newConnectionSeconds, double keptAliveSeconds) {
    double microsPerConnection() {
      return (newConnectionSeconds - keptAliveSeconds) * 1e6 / requests;
    }

    double microsPerRequest() {
      return keptAliveSeconds * 1e6 / requests;
    }
  }

  /** The child's state, sampled during the window. */
  private static final class Samples {
    Map<String, Double> firstRejected;
    Map<String, Double> lastRejected = Map.of();
    double firstGcSeconds = Double.NaN;
    double lastGcSeconds;
    double healthLagMax;
    double gcPauseMax;
    double heapUsedMax;
    double rssMax;
  }

  private final Settings settings;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  FleetBenchmark(Settings settings) {
    this.settings = settings;
  }

  Result run(String host, int collectorPort, int apiPort, long pid) throws Exception {
    String api = "http://" + host + ":" + apiPort;
    String collectorUrl = "http://" + host + ":" + collectorPort;
    long liveBefore = liveHeapBytes(pid);
    log.info("Live heap before the fleet: {} MiB", liveBefore / (1 << 20));
    try (SimulationRun fleet = SimulationRun.everyScenario(settings.devices(), 3, settings.entriesPerSecond() / settings.devices(),
        settings.seed(), collectorUrl).start()) {
      log.info("{} devices offering {} entries/s in all; measuring after {} s of load", settings.devices(), settings.entriesPerSecond(),
          settings.load().toSeconds());
      LockSupport.parkNanos(settings.load().toNanos());
      String deepCursor = cursorHalfWay(api);

      Samples samples = new Samples();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      long windowStart = System.nanoTime();
      long acceptedBefore = fleet.progress().accepted();
      Map<Integer, LinuxThreadCpu.ThreadTime> cpuBefore = LinuxThreadCpu.threads(Long.toString(pid));
      double pushRequestsBefore = pushRequests(api);
      sampler.scheduleAtFixedRate(() -> sample(api, pid, samples), 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      List<Read> reads = new ArrayList<>();
      Vertx vertx = Vertx.vertx();
      try {
        OpenLoopLoad load = new OpenLoopLoad(vertx, host, apiPort);
        Duration each = settings.window().dividedBy(6);
        List<String> uuids = firstPage(api);
        // Each endpoint's first requests pay for class loading and JIT: not what a support engineer waits for all day.
        for (String warm : List.of("/api/v1/devices?limit=100", "/api/v1/devices?status=FAIL&limit=100", "/api/v1/fleet/summary",
            "/api/v1/alerts?state=firing&limit=100", "/api/v1/devices/" + uuids.get(0) + "/health")) {
          load.run("warm-up", i -> warm, READS_PER_SECOND, Duration.ofSeconds(2));
        }
        ReadCost cost = new ReadCost(pid, each);
        reads.add(cost.of(load, "devices?limit=100", i -> "/api/v1/devices?limit=100"));
        reads.add(cost.of(load, "devices?limit=100, half-way", i -> "/api/v1/devices?limit=100&cursor=" + deepCursor));
        reads.add(cost.of(load, "devices?status=FAIL&limit=100", i -> "/api/v1/devices?status=FAIL&limit=100"));
        reads.add(cost.of(load, "fleet/summary", i -> "/api/v1/fleet/summary"));
        reads.add(cost.of(load, "alerts?state=firing&limit=100", i -> "/api/v1/alerts?state=firing&limit=100"));
        reads.add(cost.of(load, "devices/{uuid}/health", i -> "/api/v1/devices/" + uuids.get(i % uuids.size()) + "/health"));
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        sampler.shutdownNow();
        sampler.awaitTermination(10, TimeUnit.SECONDS);
      }
      double seconds = (System.nanoTime() - windowStart) / 1e9;
      long entries = fleet.progress().accepted() - acceptedBefore;
      Map<Integer, LinuxThreadCpu.ThreadTime> cpuAfter = LinuxThreadCpu.threads(Long.toString(pid));
      Map<String, Double> byKind = LinuxThreadCpu.byKindBetween(cpuBefore, cpuAfter);
      Cpu cpu = new Cpu(byKind.values().stream().reduce(0.0, Double::sum), seconds,
          Math.round(pushRequests(api) - pushRequestsBefore), entries, byKind);
      log.info("The stack used {} cores during the window: {}", String.format(Locale.ROOT, "%.2f", cpu.cores()), cpu.top(8));
      fleet.close();
      ConnectionCost connections = connectionCost(host, collectorPort, pid);
      long liveAfter = liveHeapBytes(pid);
      log.info("Live heap after: {} MiB", liveAfter / (1 << 20));
      Map<String, Long> refused = new TreeMap<>();
      samples.lastRejected.forEach((reason, count) -> refused.put(reason, Math.round(count - samples.firstRejected.getOrDefault(reason, 0.0))));
      refused.values().removeIf(count -> count == 0);
      return new Result(settings, entries / seconds, refused, samples.healthLagMax,
          samples.heapUsedMax / (1 << 20), (samples.lastGcSeconds - samples.firstGcSeconds) / seconds, samples.gcPauseMax,
          samples.rssMax / (1 << 20), liveBefore, liveAfter, reads, cpu, connections);
    }
  }

  /** Reads of one endpoint after another, for {@code duration} each, and what each cost the API's worker threads. */
  private static final class ReadCost {
    private static final String WORKERS = "vert.x-worker-t";
    private final String pid;
    private final Duration duration;
    /** Worker CPU seconds per second without reads. */
    private final double baseline;

    ReadCost(long pid, Duration duration) {
      this.pid = Long.toString(pid);
      this.duration = duration;
      double before = LinuxThreadCpu.seconds(this.pid, WORKERS);
      LockSupport.parkNanos(duration.toNanos());
      this.baseline = (LinuxThreadCpu.seconds(this.pid, WORKERS) - before) / (duration.toNanos() / 1e9);
    }

    Read of(OpenLoopLoad load, String name, IntFunction<String> path) throws InterruptedException {
      log.info("Reading {} at {} req/s for {} s", name, READS_PER_SECOND, duration.toSeconds());
      double before = LinuxThreadCpu.seconds(pid, WORKERS);
      OpenLoopLoad.Result latency = load.run(name, path, READS_PER_SECOND, duration);
      double used = LinuxThreadCpu.seconds(pid, WORKERS) - before - baseline * latency.seconds();
      return new Read(latency, Math.max(0, used) * 1e6 / latency.requests());
    }
  }

  private void sample(String api, long pid, Samples samples) {
    try {
      String metrics = scrape(api);
      Map<String, Double> rejected = new TreeMap<>();
      for (String reason : REFUSALS) {
        rejected.put(reason, sum(metrics, "fleetpulse_collector_requests_rejected_total", "reason=\"" + reason + "\""));
      }
      double gc = sum(metrics, "jvm_gc_pause_seconds_sum", "");
      if (samples.firstRejected == null) {
        samples.firstRejected = rejected;
        samples.firstGcSeconds = gc;
      }
      samples.lastRejected = rejected;
      samples.lastGcSeconds = gc;
      samples.healthLagMax = Math.max(samples.healthLagMax, sum(metrics, "fleetpulse_pipeline_processing_delay_seconds", ""));
      samples.gcPauseMax = Math.max(samples.gcPauseMax, max(metrics, "jvm_gc_pause_seconds_max"));
      samples.heapUsedMax = Math.max(samples.heapUsedMax, sum(metrics, "jvm_memory_used_bytes", "area=\"heap\""));
      samples.rssMax = Math.max(samples.rssMax, rssBytes(pid));
    } catch (IOException | RuntimeException e) {
      log.warn("Could not sample the stack: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The sum of every series of metric {@code name} whose labels contain {@code label} (empty: all of them). */
  static double sum(String metrics, String name, String label) {
    double total = 0;
    for (String line : metrics.split("\n")) {
      int end = line.indexOf(line.contains("{") ? '{' : ' ');
      if (end > 0 && line.substring(0, end).equals(name) && line.contains(label)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** The largest value among the series of metric {@code name}. */
  static double max(String metrics, String name) {
    double max = 0;
    for (String line : metrics.split("\n")) {
      int end = line.indexOf(line.contains("{") ? '{' : ' ');
      if (end > 0 && line.substring(0, end).equals(name)) {
        max = Math.max(max, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return max;
  }

  /** Push requests the collector has answered so far (every ingest, every status). */
  private double pushRequests(String api) throws IOException, InterruptedException {
    return sum(scrape(api), "fleetpulse_collector_request_latency_seconds_count", "");
  }

  private String scrape(String api) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(api + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /**
   * {@link ConnectionCost}: {@value #CONNECTION_PROBES} requests to a path the collector does not serve (404: no
   * parsing, no Kafka), on new connections, then kept alive; only the HTTP threads' CPU (Vert.x event loops and
   * acceptor), as the streams go on catching up meanwhile.
   */
  private ConnectionCost connectionCost(String host, int collectorPort, long pid) throws InterruptedException {
    Vertx vertx = Vertx.vertx();
    try {
      double[] seconds = new double[2];
      boolean[] keepAlive = {false, true};
      for (int i = 0; i < 2; i++) {
        Map<Integer, LinuxThreadCpu.ThreadTime> before = LinuxThreadCpu.threads(Long.toString(pid));
        new OpenLoopLoad(vertx, host, collectorPort, keepAlive[i]).run("connections", n -> "/bench/connection-cost",
            CONNECTION_PROBES_PER_SECOND, Duration.ofSeconds(CONNECTION_PROBES / CONNECTION_PROBES_PER_SECOND));
        seconds[i] = LinuxThreadCpu.byKindBetween(before, LinuxThreadCpu.threads(Long.toString(pid))).entrySet().stream()
            .filter(kind -> kind.getKey().startsWith("vert.x-")).map(Map.Entry::getValue).reduce(0.0, Double::sum);
      }
      ConnectionCost cost = new ConnectionCost(CONNECTION_PROBES, seconds[0], seconds[1]);
      log.info("A connection costs the collector {} µs of CPU beyond its request ({} µs)",
          String.format(Locale.ROOT, "%.0f", cost.microsPerConnection()), String.format(Locale.ROOT, "%.0f", cost.microsPerRequest()));
      return cost;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  private static double rssBytes(long pid) throws IOException {
    Matcher rss = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
    return rss.find() ? Long.parseLong(rss.group(1)) * 1024.0 : 0;
  }

  /** Bytes of live objects after a full collection, from {@code jcmd GC.class_histogram}. */
  static long liveHeapBytes(long pid) throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid),
        "GC.class_histogram").redirectErrorStream(true).start();
    String out = new String(jcmd.getInputStream().readAllBytes());
    jcmd.waitFor();
    Matcher total = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(out);
    if (!total.find()) {
      throw new IOException("jcmd GC.class_histogram gave no total: " + out.lines().limit(3).toList());
    }
    return Long.parseLong(total.group(1));
  }

  private List<String> firstPage(String api) throws Exception {
    JsonObject page = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/devices?limit=1000")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    List<String> uuids = new ArrayList<>();
    page.getJsonArray("devices").forEach(device -> uuids.add(((JsonObject) device).getString("uuid")));
    if (uuids.isEmpty()) {
      throw new IllegalStateException("no device has health yet after " + settings.load().toSeconds() + " s of load");
    }
    return uuids;
  }

  /** The cursor of the page that starts half-way through the device list: a deep page. */
  private String cursorHalfWay(String api) throws Exception {
    String cursor = null;
    int seen = 0;
    while (seen < settings.devices() / 2) {
      JsonObject page = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/devices?limit=1000"
          + (cursor == null ? "" : "&cursor=" + cursor))).build(), HttpResponse.BodyHandlers.ofString()).body());
      seen += page.getJsonArray("devices").size();
      String next = page.getString("next");
      if (next == null) {
        break;
      }
      cursor = next;
    }
    return cursor == null ? "" : cursor;
  }
}
