package io.fleetpulse.bench;

import io.fleetpulse.collector.dedup.SequenceMarkStore;
import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.ReportPublisher;
import io.fleetpulse.collector.publish.JournalPublisher;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.collector.push.ConnectionLimits;
import io.fleetpulse.collector.push.PushServer;
import io.fleetpulse.collector.push.PushSettings;
import io.fleetpulse.collector.ratelimit.RateLimitSettings;
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
import java.util.concurrent.ThreadFactory;
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
  private static final String PUSHER_THREAD = "bench-pusher-";
  private static final int MAX_WARM_UP_ROUNDS = 10;
  /** JIT compiler CPU per wall-clock time of a warm-up round below which the JIT counts as settled. */
  private static final double SETTLED_JIT_SHARE = 0.05;

  private final int devices;
  private final int entries;
  private final int batch;
  private final int brokers;

  IngestBenchmark(int devices, int entries, int batch, int brokers) {
    if (brokers <= 0) {
      throw new IllegalArgumentException("--brokers must be 1 or more");
    }
    if (devices <= 0 || batch <= 0 || entries < devices * batch) {
      throw new IllegalArgumentException("need at least one request of " + batch + " entries per device: --entries >= "
          + (long) devices * batch);
    }
    this.devices = devices;
    this.entries = entries;
    this.batch = batch;
    this.brokers = brokers;
  }

  Result run() throws Exception {
    if (!Files.isExecutable(KCAT)) {
      throw new IllegalStateException("the baseline needs kcat (Debian package kcat) at " + KCAT);
    }
    Path dir = Files.createTempDirectory("fleetpulse-bench-ingest");
    try (BenchKafka kafka = BenchKafka.start(dir.resolve("kafka"), brokers)) {
      System.out.printf(Locale.ROOT, "Kafka: %s on %s%n", kafka.describe(), kafka.bootstrapServers());
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        new TopicProvisioner(6, kafka.replication()).provision(admin);
      }
      int perDevice = entries / devices / batch * batch;
      Kcat kcat = runKcat(kafka, dir, perDevice);
      Vertx vertx = Vertx.vertx();
      try (JournalPublisher publisher = new JournalPublisher(vertx, PublisherSettings.of(kafka.bootstrapServers()), "bench");
           ReportPublisher disks = new ReportPublisher(vertx, PublisherSettings.of(kafka.bootstrapServers()))) {
        // Every simulated device pushes from 127.0.0.1, like a site behind one NAT: no per-address caps.
        ConnectionLimits oneAddress = new ConnectionLimits(ConnectionLimits.DEFAULT.idleTimeout(), ConnectionLimits.DEFAULT.bodyIdleTimeout(),
            ConnectionLimits.DEFAULT.requestDeadline(), ConnectionLimits.DEFAULT.maxConnections(), 0, 0);
        PushServer server = new PushServer(new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT, RateLimitSettings.UNLIMITED)
            .withConnections(oneAddress),
            publisher, new SequenceMarkStore(PublisherSettings.of(kafka.bootstrapServers())), disks, new SimpleMeterRegistry());
        vertx.deployVerticle(server).await();
        String base = "http://127.0.0.1:" + server.port();
        int warmUpRounds = warmUp(base, Math.max(batch, perDevice / 5 / batch * batch));
        Load full = pushAsFastAsPossible(base, perDevice, "c", 0);
        Load half = pushAtRate(base, full.entriesPerSecond() / 2);
        return new Result(kafka.describe(), devices, devices * perDevice, batch, warmUpRounds, kcat, full, half);
      } finally {
        vertx.close().await();
      }
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private Kcat runKcat(BenchKafka kafka, Path dir, int perDevice) throws Exception {
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
    CpuMeter cpu = new CpuMeter();
    long start = System.nanoTime();
    // The shell's `times` prints the CPU its child (kcat) used: kcat's own share of the machine.
    Process kcat = new ProcessBuilder("sh", "-c", "\"$0\" \"$@\"; status=$?; times; exit $status",
        KCAT.toString(), "-P", "-b", kafka.bootstrapServers(), "-t", "fleet.journal.balena", "-K", "\t", "-l",
        "-X", "acks=all", "-X", "enable.idempotence=true", "-X", "linger.ms=5", "-X", "compression.codec=lz4", lines.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!kcat.waitFor(10, TimeUnit.MINUTES) || kcat.exitValue() != 0) {
      throw new IllegalStateException("kcat failed: " + Files.readString(log));
    }
    double rate = devices * (double) perDevice / ((System.nanoTime() - start) / 1e9);
    CpuSplit split = cpu.read();
    List<String> output = Files.readAllLines(log);
    return new Kcat(rate, childCpuSeconds(output.get(output.size() - 1)), split.broker());
  }

  /** The children's line of {@code times}: user and system time, as {@code 0m1.234s 0m0.567s}. */
  private static double childCpuSeconds(String times) {
    double seconds = 0;
    for (String time : times.trim().split("\\s+")) {
      int m = time.indexOf('m');
      seconds += Integer.parseInt(time.substring(0, m)) * 60 + Double.parseDouble(time.substring(m + 1, time.length() - 1));
    }
    return seconds;
  }

  /**
   * Pushes (not measured) until the JIT has settled: a long-running collector is past compiling after its
   * first minutes, and kcat, native code, needs none. The JIT compiled for up to 19 s of CPU in a run with a
   * single warm-up push, on a machine of two cores: most of the measured phase competed with it. Returns
   * the rounds it took.
   */
  private int warmUp(String base, int perDevice) throws Exception {
    int round = 0;
    while (round < MAX_WARM_UP_ROUNDS) {
      double compiledSeconds = CpuMeter.jitSeconds();
      long start = System.nanoTime();
      pushAsFastAsPossible(base, perDevice, "e", round++);
      double compilingShare = (CpuMeter.jitSeconds() - compiledSeconds) * 1e9 / (System.nanoTime() - start);
      if (compilingShare < SETTLED_JIT_SHARE) {
        break;
      }
    }
    return round;
  }

  /**
   * Every device pushes its share in requests of {@code batch} entries, one after another, as device
   * number {@code round * devices + n}.
   */
  private Load pushAsFastAsPossible(String base, int perDevice, String phase, int round) throws Exception {
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
    ExecutorService pushers = Executors.newFixedThreadPool(devices, pusherThreads());
    CpuMeter cpu = new CpuMeter();
    long start = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (int device = 0; device < devices; device++) {
      int index = device;
      running.add(pushers.submit(() -> {
        for (byte[] body : bodies.get(index)) {
          latencies.add(push(http, base, uuid(phase, round * devices + index), body));
        }
        return null;
      }));
    }
    for (Future<?> pusher : running) {
      pusher.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    CpuSplit split = cpu.read();
    pushers.shutdown();
    return new Load(devices * (double) perDevice / seconds, latencies, split);
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
    ScheduledExecutorService pushers = Executors.newScheduledThreadPool(devices, pusherThreads());
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
    CpuMeter cpu = new CpuMeter();
    long start = System.nanoTime();
    // Nothing shuts the pushers down before the run's time is up: this waits out the run.
    pushers.awaitTermination(HALF_RATE_RUN.toMillis(), TimeUnit.MILLISECONDS);
    pushers.shutdown();
    pushers.awaitTermination(1, TimeUnit.MINUTES);
    return new Load(sent.get() / ((System.nanoTime() - start) / 1e9), latencies, cpu.read());
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

  private static ThreadFactory pusherThreads() {
    AtomicInteger number = new AtomicInteger();
    return task -> new Thread(task, PUSHER_THREAD + number.incrementAndGet());
  }

  private static String uuid(String phase, int device) {
    return String.format(Locale.ROOT, "%s%031x", phase, device);
  }

  /**
   * CPU seconds each part of this JVM used during a phase. The load generator is the pushing threads and
   * the JDK HTTP client's; "other" is the JVM's own threads (JIT compilers, GC), which no thread name
   * tells apart; "jit" is the part of it its compiler threads used.
   */
  record CpuSplit(double collector, double generator, double broker, double other, double jit) {}

  /** Reads the CPU of the collector's, the load generator's and the broker's threads from when it was made. */
  private static final class CpuMeter {
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long processStart = PROCESS.getProcessCpuTime();
    private final double jitStart = jitSeconds();
    private final ThreadCpu collector = ThreadCpu.of(CpuMeter::isCollector);
    private final ThreadCpu generator = ThreadCpu.of(CpuMeter::isGenerator);
    private final ThreadCpu broker = ThreadCpu.of(name -> !isCollector(name) && !isGenerator(name) && !name.equals("main"));

    CpuSplit read() {
      double collectorSeconds = collector.microsSinceStart() / 1e6;
      double generatorSeconds = generator.microsSinceStart() / 1e6;
      double brokerSeconds = broker.microsSinceStart() / 1e6;
      double process = (PROCESS.getProcessCpuTime() - processStart) / 1e9;
      return new CpuSplit(collectorSeconds, generatorSeconds, brokerSeconds,
          Math.max(0, process - collectorSeconds - generatorSeconds - brokerSeconds), jitSeconds() - jitStart);
    }

    /** CPU seconds the JIT's compiler threads have used so far: no Java threads to ThreadMXBean, so read from Linux. */
    static double jitSeconds() {
      return LinuxThreadCpu.seconds("self", "CompilerThre");
    }

    private static boolean isCollector(String thread) {
      return thread.startsWith("vert.x-") || thread.startsWith("push-collector-") || thread.contains("fleetpulse-collector");
    }

    private static boolean isGenerator(String thread) {
      return thread.startsWith(PUSHER_THREAD) || thread.startsWith("HttpClient-");
    }
  }

  /** kcat's rate, the CPU seconds kcat itself used, and the broker's threads meanwhile. */
  record Kcat(double entriesPerSecond, double cpuSeconds, double brokerCpuSeconds) {}

  /** Entries/s over a phase, the latency of each request in it (ns), and where the CPU went. */
  record Load(double entriesPerSecond, List<Long> latencies, CpuSplit cpu) {
    double percentileMillis(double percentile) {
      List<Long> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(percentile / 100 * sorted.size()) - 1)) / 1e6;
    }
  }

  record Result(String kafka, int devices, int entries, int batch, int warmUpRounds, Kcat kcat, Load full, Load half) {

    double ratio() {
      return full.entriesPerSecond() / kcat.entriesPerSecond();
    }

    /** CPU per entry of the collector's own threads at max rate (kcat's figure is its whole process). */
    double collectorCpuMicrosPerEntry() {
      return full.cpu().collector() * 1e6 / entries;
    }

    double kcatCpuMicrosPerEntry() {
      return kcat.cpuSeconds() * 1e6 / entries;
    }

    String table() {
      CpuSplit cpu = full.cpu();
      return String.format(Locale.ROOT, """
          | side | entries/s | request p50 | request p99 | CPU µs per entry |
          |---|---|---|---|---|
          | kcat -P (baseline, one producer, raw lines) | %.0f | — | — | %.1f (the kcat process) |
          | fleetpulse push, %d devices × %d-entry requests, max rate | %.0f | %.1f ms | %.1f ms | %.1f (the collector's threads) |
          | fleetpulse push at half that rate (%.0f entries/s offered) | %.0f | %.1f ms | %.1f ms | |

          CPU seconds at max rate: collector %.2f, load generator %.2f, broker %.2f, JVM's own %.2f (of which the JIT's compiler threads %.2f); \
          during kcat: kcat %.2f, broker %.2f. Warm-up: %d rounds of %d entries.""",
          kcat.entriesPerSecond(), kcatCpuMicrosPerEntry(), devices, batch, full.entriesPerSecond(), full.percentileMillis(50),
          full.percentileMillis(99), collectorCpuMicrosPerEntry(), full.entriesPerSecond() / 2, half.entriesPerSecond(),
          half.percentileMillis(50), half.percentileMillis(99), cpu.collector(), cpu.generator(), cpu.broker(), cpu.other(),
          cpu.jit(), kcat.cpuSeconds(), kcat.brokerCpuSeconds(), warmUpRounds, Math.max(batch, entries / devices / 5 / batch * batch) * devices);
    }

    String summaryLine() {
      return String.format(Locale.ROOT, "bench ingest%s: %.0f entries/s vs kcat %.0f entries/s, ratio %.2f (p99 at half rate %.1f ms)",
          kafka.equals("one broker") ? "" : " (" + kafka + ")", full.entriesPerSecond(), kcat.entriesPerSecond(), ratio(),
          half.percentileMillis(99));
    }

    /** A dated section of its own in docs/benchmarks.md; the load average says how much the machine was shared. */
    void appendTo(Path file) throws IOException {
      String section = String.format(Locale.ROOT, "%n### bench ingest, %s (%s, %d devices, %d entries, %d per request, load average %.1f)%n%n"
              + "| fleetpulse entries/s | kcat entries/s | ratio | p50 / p99 at half rate | p99 at max rate "
              + "| CPU µs/entry: collector / kcat |%n|---|---|---|---|---|---|%n"
              + "| %.0f | %.0f | %.2f | %.1f / %.1f ms | %.0f ms | %.1f / %.1f |%n",
          LocalDateTime.now().truncatedTo(ChronoUnit.MINUTES), kafka, devices, entries, batch,
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), full.entriesPerSecond(), kcat.entriesPerSecond(),
          ratio(), half.percentileMillis(50), half.percentileMillis(99), full.percentileMillis(99), collectorCpuMicrosPerEntry(),
          kcatCpuMicrosPerEntry());
      Files.writeString(file, section, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }
}
