package io.fleetpulse.launcher.bench;

import io.fleetpulse.collector.dedup.SequenceMarkStore;
import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.DiskSamplePublisher;
import io.fleetpulse.collector.publish.JournalPublisher;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.collector.push.PushServer;
import io.fleetpulse.collector.push.PushSettings;
import io.fleetpulse.collector.ratelimit.RateLimitSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.schemas.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;

/**
 * The ingest benchmark: the same journalctl JSON lines produced by {@code kcat -P} (the baseline: a
 * native producer writing raw lines, acks=all, idempotent) and pushed to the collector by concurrent
 * devices (parsed, normalised, Avro-encoded, routed by unit, committed together with the device's dedup
 * mark in a Kafka transaction, 202 after the commit), into one embedded broker. Then request latency at
 * half the collector's maximum rate.
 */
final class IngestBenchmark {

  private static final Path KCAT = Path.of("/usr/bin/kcat");
  private static final Duration HALF_RATE_RUN = Duration.ofSeconds(20);

  private final int devices;
  private final int entries;
  private final int batch;

  IngestBenchmark(int devices, int entries, int batch) {
    if (devices <= 0 || batch <= 0 || entries < devices * batch) {
      throw new IllegalArgumentException("need at least one request of " + batch + " entries per device: --entries >= "
          + (long) devices * batch);
    }
    this.devices = devices;
    this.entries = entries;
    this.batch = batch;
  }

  Result run() throws Exception {
    if (!Files.isExecutable(KCAT)) {
      throw new IllegalStateException("the baseline needs kcat (Debian package kcat) at " + KCAT);
    }
    Path dir = Files.createTempDirectory("fleetpulse-bench-ingest");
    try (EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(dir.resolve("kafka"))).start()) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        new TopicProvisioner(6, (short) 1).provision(admin);
      }
      int perDevice = entries / devices / batch * batch;
      double kcatRate = kcatEntriesPerSecond(kafka, dir, perDevice);
      Vertx vertx = Vertx.vertx();
      try (JournalPublisher publisher = new JournalPublisher(vertx, PublisherSettings.of(kafka.bootstrapServers()));
           DiskSamplePublisher disks = new DiskSamplePublisher(vertx, PublisherSettings.of(kafka.bootstrapServers()))) {
        PushServer server = new PushServer(new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT, RateLimitSettings.UNLIMITED),
            publisher, new SequenceMarkStore(PublisherSettings.of(kafka.bootstrapServers())), disks, new SimpleMeterRegistry());
        vertx.deployVerticle(server).await();
        String base = "http://127.0.0.1:" + server.port();
        // Warm-up (not measured): the JIT compiles the ingest path; kcat, native code, needs none.
        pushAsFastAsPossible(base, Math.max(batch, perDevice / 5 / batch * batch), "e");
        Load full = pushAsFastAsPossible(base, perDevice, "c");
        Load half = pushAtRate(base, full.entriesPerSecond() / 2);
        return new Result(devices, devices * perDevice, batch, kcatRate, full, half);
      } finally {
        vertx.close().await();
      }
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private double kcatEntriesPerSecond(EmbeddedKafkaBroker kafka, Path dir, int perDevice) throws Exception {
    Path lines = dir.resolve("kcat-input.tsv");
    try (BufferedWriter out = Files.newBufferedWriter(lines, StandardCharsets.UTF_8)) {
      for (int device = 0; device < devices; device++) {
        for (int seq = 0; seq < perDevice; seq++) {
          out.write(uuid("b", device));
          out.write('\t');
          out.write(JournalLine.of(device, seq));
          out.write('\n');
        }
      }
    }
    Path log = dir.resolve("kcat.log");
    long start = System.nanoTime();
    Process kcat = new ProcessBuilder(KCAT.toString(), "-P", "-b", kafka.bootstrapServers(), "-t", "fleet.journal.balena",
        "-K", "\t", "-l", "-X", "acks=all", "-X", "enable.idempotence=true", "-X", "linger.ms=5",
        "-X", "compression.codec=lz4", lines.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!kcat.waitFor(10, TimeUnit.MINUTES) || kcat.exitValue() != 0) {
      throw new IllegalStateException("kcat failed: " + Files.readString(log));
    }
    return devices * (double) perDevice / ((System.nanoTime() - start) / 1e9);
  }

  /** Every device pushes its share in requests of {@code batch} entries, one after another. */
  private Load pushAsFastAsPossible(String base, int perDevice, String phase) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    // Built before the clock starts, as kcat's input file is.
    List<List<byte[]>> bodies = new ArrayList<>();
    for (int device = 0; device < devices; device++) {
      List<byte[]> requests = new ArrayList<>();
      for (int from = 0; from < perDevice; from += batch) {
        requests.add(body(device, from));
      }
      bodies.add(requests);
    }
    ExecutorService pushers = Executors.newFixedThreadPool(devices);
    long start = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (int device = 0; device < devices; device++) {
      int index = device;
      running.add(pushers.submit(() -> {
        for (byte[] body : bodies.get(index)) {
          latencies.add(push(http, base, uuid(phase, index), body));
        }
        return null;
      }));
    }
    for (Future<?> pusher : running) {
      pusher.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pushers.shutdown();
    return new Load(devices * (double) perDevice / seconds, latencies);
  }

  /**
   * Each device pushes a batch at a fixed interval, so that together they send {@code entriesPerSecond}.
   * The bodies are built before the clock starts, one per device: each push goes out under a new device
   * uuid, so the same entries are new to the collector every time and the load generator spends nothing
   * on building requests while latency is measured.
   */
  private Load pushAtRate(String base, double entriesPerSecond) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    long intervalNanos = (long) (1e9 * batch * devices / entriesPerSecond);
    List<byte[]> bodies = new ArrayList<>();
    for (int device = 0; device < devices; device++) {
      bodies.add(body(device, 0));
    }
    ScheduledExecutorService pushers = Executors.newScheduledThreadPool(devices);
    AtomicInteger sent = new AtomicInteger();
    for (int device = 0; device < devices; device++) {
      int index = device;
      AtomicInteger round = new AtomicInteger();
      pushers.scheduleAtFixedRate(() -> {
        try {
          latencies.add(push(http, base, uuid("d", round.getAndIncrement() * devices + index), bodies.get(index)));
          sent.addAndGet(batch);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, intervalNanos * device / devices, intervalNanos, TimeUnit.NANOSECONDS);
    }
    long start = System.nanoTime();
    // Nothing shuts the pushers down before the run's time is up: this waits out the run.
    pushers.awaitTermination(HALF_RATE_RUN.toMillis(), TimeUnit.MILLISECONDS);
    pushers.shutdown();
    pushers.awaitTermination(1, TimeUnit.MINUTES);
    return new Load(sent.get() / ((System.nanoTime() - start) / 1e9), latencies);
  }

  private byte[] body(int device, int from) {
    StringBuilder body = new StringBuilder(batch * 1100);
    for (int seq = from; seq < from + batch; seq++) {
      body.append(JournalLine.of(device, seq)).append('\n');
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** One push; returns its latency in nanoseconds. */
  private long push(HttpClient http, String base, String uuid, byte[] body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/devices/" + uuid + "/entries"))
        .header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    long start = System.nanoTime();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    long latency = System.nanoTime() - start;
    if (response.statusCode() != 202) {
      throw new IllegalStateException("push answered " + response.statusCode() + ": " + response.body());
    }
    return latency;
  }

  private static String uuid(String phase, int device) {
    return String.format(Locale.ROOT, "%s%031x", phase, device);
  }

  /** Entries/s over a phase, and the latency of each request in it (ns). */
  record Load(double entriesPerSecond, List<Long> latencies) {
    double percentileMillis(double percentile) {
      List<Long> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(percentile / 100 * sorted.size()) - 1)) / 1e6;
    }
  }

  record Result(int devices, int entries, int batch, double kcatRate, Load full, Load half) {

    double ratio() {
      return full.entriesPerSecond() / kcatRate;
    }

    String table() {
      return String.format(Locale.ROOT, """
          | side | entries/s | request p50 | request p99 |
          |---|---|---|---|
          | kcat -P (baseline, one producer, raw lines) | %.0f | — | — |
          | fleetpulse push, %d devices × %d-entry requests, max rate | %.0f | %.1f ms | %.1f ms |
          | fleetpulse push at half that rate (%.0f entries/s offered) | %.0f | %.1f ms | %.1f ms |""",
          kcatRate, devices, batch, full.entriesPerSecond(), full.percentileMillis(50), full.percentileMillis(99),
          full.entriesPerSecond() / 2, half.entriesPerSecond(), half.percentileMillis(50), half.percentileMillis(99));
    }

    String summaryLine() {
      return String.format(Locale.ROOT, "bench ingest: %.0f entries/s vs kcat %.0f entries/s, ratio %.2f (p99 at half rate %.1f ms)",
          full.entriesPerSecond(), kcatRate, ratio(), half.percentileMillis(99));
    }

    /** A dated section of its own in docs/benchmarks.md; the load average says how much the machine was shared. */
    void appendTo(Path file) throws IOException {
      String section = String.format(Locale.ROOT, "%n### bench ingest, %s (%d devices, %d entries, %d per request, load average %.1f)%n%n"
              + "| fleetpulse entries/s | kcat entries/s | ratio | p50 / p99 at half rate | p99 at max rate |%n|---|---|---|---|---|%n"
              + "| %.0f | %.0f | %.2f | %.1f / %.1f ms | %.0f ms |%n",
          LocalDateTime.now().truncatedTo(ChronoUnit.MINUTES), devices, entries, batch,
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), full.entriesPerSecond(), kcatRate, ratio(),
          half.percentileMillis(50), half.percentileMillis(99), full.percentileMillis(99));
      Files.writeString(file, section, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }
}
