package io.fleetpulse.bench.crash;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the fleet from every api instance all through a run, as the fleet page and dashboards do (device list,
 * firing alerts, summary, every 250 ms): while processes die and ownership moves, an answer is 200, or 503 with
 * {@code Retry-After}; anything else (another 5xx, a 4xx, a 503 that does not say when to retry) is a failure.
 * An instance that is down is not asked anything of: its refused connections are counted apart.
 */
final class ReadProbe implements AutoCloseable {

  private static final List<String> READS = List.of("/api/v1/devices?limit=20", "/api/v1/alerts?state=firing&limit=20", "/api/v1/fleet/summary");
  private static final Duration EVERY = Duration.ofMillis(250);

  private final List<Integer> apiPorts;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong unavailable = new AtomicLong();
  private final AtomicLong unreachable = new AtomicLong();
  private final List<String> wrong = Collections.synchronizedList(new ArrayList<>());
  /** Reads at a dashboard's refresh pace, one round after the other. */
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "crash-read-probe");
    thread.setDaemon(true);
    return thread;
  });

  private ReadProbe(List<Integer> apiPorts) {
    this.apiPorts = List.copyOf(apiPorts);
  }

  static ReadProbe start(List<Integer> apiPorts) {
    ReadProbe probe = new ReadProbe(apiPorts);
    probe.timer.scheduleWithFixedDelay(probe::readEveryInstance, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return probe;
  }

  private void readEveryInstance() {
    for (int port : apiPorts) {
      for (String path : READS) {
        read(port, path);
      }
    }
  }

  private void read(int port, String path) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        answered.incrementAndGet();
      } else if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()) {
        unavailable.incrementAndGet();
      } else if (wrong.size() < 20) {
        String body = response.body();
        wrong.add("GET :" + port + path + " answered " + response.statusCode() + ": " + body.substring(0, Math.min(200, body.length())));
      }
    } catch (IOException down) {
      unreachable.incrementAndGet(); // the instance being killed or restarted
    } catch (InterruptedException stopped) {
      Thread.currentThread().interrupt();
    }
  }

  /** Answers that are neither 200 nor a 503 saying when to retry. */
  List<String> wrongAnswers() {
    return List.copyOf(wrong);
  }

  String describe() {
    return String.format(Locale.ROOT, "reads: %d answered, %d 503 + Retry-After, %d to an instance that was down, %d wrong",
        answered.get(), unavailable.get(), unreachable.get(), wrong.size());
  }

  @Override
  public void close() throws InterruptedException {
    timer.shutdownNow();
    timer.awaitTermination(20, TimeUnit.SECONDS);
  }
}
