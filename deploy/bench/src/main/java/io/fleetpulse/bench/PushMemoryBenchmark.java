package io.fleetpulse.bench;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.bench.crash.FleetpulseProcess;
import io.fleetpulse.schemas.TopicProvisioner;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;

/**
 * What concurrent maximum-size pushes cost a collector in memory: {@code ./fleetpulse collector} in a child
 * JVM (as deployed: -Xmx768m) on an embedded broker of this JVM, rate limits off, then N pushes at once,
 * each streaming {@code pushBytes} of journalctl JSON lines for its own device. The collector's RSS
 * (/proc, sampled, and its peak VmHWM) and heap in use (its /metrics) are recorded before and during the
 * load, with the in-flight budget off (the baseline, as before) and on, in the same run.
 */
final class PushMemoryBenchmark {

  private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\"[^}]*\\} ([0-9.eE+]+)$", Pattern.MULTILINE);
  /** The old generation after the last major collection: what the heap really holds, garbage aside. */
  private static final Pattern LIVE = Pattern.compile("^jvm_gc_live_data_size_bytes(?:\\{[^}]*\\})? ([0-9.eE+]+)$", Pattern.MULTILINE);
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One round's figures; memory in MiB. */
  record Round(long budgetMib, int pushes, double idleRssMib, double peakRssMib, double peakHeapMib, double peakLiveMib, int accepted202,
               int refused503, int other, long entriesAccepted, Duration elapsed) {}

  private final long pushBytes;

  PushMemoryBenchmark(long pushBytes) {
    this.pushBytes = pushBytes;
  }

  List<Round> run(List<Long> budgetsMib, List<Integer> concurrency) throws Exception {
    Path dir = Files.createTempDirectory("fleetpulse-bench-push-memory");
    List<Round> rounds = new ArrayList<>();
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(dir.resolve("kafka"))).start()) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        new TopicProvisioner(6, (short) 1).provision(admin);
      }
      int round = 0;
      for (long budget : budgetsMib) {
        for (int pushes : concurrency) {
          round++;
          rounds.add(round(broker, dir.resolve("collector-" + round), budget, pushes, round));
        }
      }
    }
    return rounds;
  }

  private Round round(EmbeddedKafkaBroker broker, Path dataDir, long budgetMib, int pushes, int round) throws Exception {
    int port = FleetpulseProcess.freePort();
    FleetpulseProcess collector = FleetpulseProcess.collector("collector", dataDir, broker.bootstrapServers(), port, List.of(
        "collector.rateLimits.entriesPerSecond=0", "collector.rateLimits.bytesPerSecond=0",
        "collector.limits.inFlightBytes=" + budgetMib * 1024 * 1024));
    collector.start();
    try {
      collector.awaitReady(Duration.ofSeconds(120));
      String metrics = "http://127.0.0.1:" + collector.readyPort() + "/metrics";
      double idleRss = rssMib(collector.pid(), "VmRSS");
      AtomicLong peakRssKib = new AtomicLong();
      AtomicLong peakHeap = new AtomicLong();
      AtomicLong peakLive = new AtomicLong();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(() -> {
        peakRssKib.accumulateAndGet((long) (rssMib(collector.pid(), "VmRSS") * 1024), Math::max);
        String sample = scrape(metrics);
        peakHeap.accumulateAndGet(sum(HEAP, sample), Math::max);
        peakLive.accumulateAndGet(sum(LIVE, sample), Math::max);
      }, 0, 250, TimeUnit.MILLISECONDS);
      long begin = System.nanoTime();
      List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
      for (int i = 0; i < pushes; i++) {
        String device = String.format("e%03d%028d", round, i);
        long seed = i;
        responses.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/devices/" + device + "/entries"))
            .header("Content-Type", "application/x-ndjson").timeout(Duration.ofMinutes(20))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new JournalLines(pushBytes, seed))).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      int ok = 0;
      int refused = 0;
      int other = 0;
      long entries = 0;
      for (CompletableFuture<HttpResponse<String>> response : responses) {
        HttpResponse<String> answer = response.join();
        switch (answer.statusCode()) {
          case 202 -> ok++;
          case 503 -> refused++;
          default -> other++;
        }
        Matcher accepted = Pattern.compile("\"accepted\":(\\d+)").matcher(answer.body());
        entries += accepted.find() ? Long.parseLong(accepted.group(1)) : 0;
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - begin);
      sampler.shutdownNow();
      double peakRss = Math.max(peakRssKib.get() / 1024.0, rssMib(collector.pid(), "VmHWM"));
      Round result = new Round(budgetMib, pushes, idleRss, peakRss, peakHeap.get() / 1048576.0, peakLive.get() / 1048576.0, ok, refused,
          other, entries, elapsed);
      System.out.printf("budget %s, %d pushes of %d MiB: RSS %.0f -> peak %.0f MiB, heap peak %.0f MiB (live after GC %.0f MiB); "
              + "%d x 202, %d x 503, %d other; %d entries in %.1f s%n", budgetMib == 0 ? "off" : budgetMib + " MiB", pushes,
          pushBytes >> 20, idleRss, peakRss, result.peakHeapMib(), result.peakLiveMib(), ok, refused, other, entries,
          elapsed.toMillis() / 1000.0);
      return result;
    } finally {
      collector.stop();
    }
  }

  private static double rssMib(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException gone) {
      // The process ended between samples.
    }
    return 0;
  }

  private static String scrape(String metricsUrl) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static long sum(Pattern metric, String scrape) {
    Matcher value = metric.matcher(scrape);
    double sum = 0;
    while (value.find()) {
      sum += Double.parseDouble(value.group(1));
    }
    return (long) sum;
  }

  /** {@code size} bytes of journalctl JSON lines, generated as they are read (a 64 MiB push costs the sender nothing). */
  private static final class JournalLines extends InputStream {
    private final long size;
    private final long seed;
    private long sent;
    private long seqnum;
    private byte[] line = new byte[0];
    private int at;

    JournalLines(long size, long seed) {
      this.size = size;
      this.seed = seed;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (sent >= size) {
        return -1;
      }
      int copied = 0;
      while (copied < length && sent < size) {
        if (at == line.length) {
          line = ("{\"__SEQNUM\":\"" + seqnum++ + "\",\"__SEQNUM_ID\":\"bench" + seed + "\",\"_SYSTEMD_UNIT\":\"balena.service\","
              + "\"PRIORITY\":\"6\",\"_BOOT_ID\":\"0123456789abcdef0123456789abcdef\",\"MESSAGE\":\"Container started: "
              + "a1b2c3d4e5f6 main 7f8e9d0c1b2a3948 (pushing a long backlog after the uplink came back)\"}\n")
              .getBytes(StandardCharsets.UTF_8);
          at = 0;
          if (sent + line.length > size) {
            sent = size; // the last line would not fit: end on a whole line
            break;
          }
        }
        int n = Math.min(length - copied, line.length - at);
        System.arraycopy(line, at, buffer, offset + copied, n);
        at += n;
        copied += n;
        sent += n;
      }
      return copied == 0 ? -1 : copied;
    }
  }
}
