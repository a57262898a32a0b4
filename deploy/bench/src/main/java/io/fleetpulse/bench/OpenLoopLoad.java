package io.fleetpulse.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * A fixed-rate ("open loop") HTTP load: requests are due at exact intervals whether or not earlier
 * ones have finished, and each latency is measured from when its request was due, so a stalled
 * server shows up in the percentiles instead of silently slowing the load (coordinated omission).
 */
final class OpenLoopLoad {

  /** Latency percentiles in milliseconds, the rate achieved, and failures (non-2xx or no answer). */
  record Result(String name, int requests, double seconds, double p50, double p99, double max, int failures) {

    double rate() {
      return requests / seconds;
    }
  }

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final boolean keepAlive;

  OpenLoopLoad(Vertx vertx, String host, int port) {
    this(vertx, host, port, true);
  }

  /** @param keepAlive false: every request on a connection of its own, closed after it */
  OpenLoopLoad(Vertx vertx, String host, int port, boolean keepAlive) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.keepAlive = keepAlive;
  }

  /** Sends {@code rate} requests per second for {@code duration}; request {@code i} goes to {@code path.apply(i)}. */
  Result run(String name, IntFunction<String> path, int rate, Duration duration) throws InterruptedException {
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(keepAlive).setDefaultHost(host).setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(256));
    int total = (int) (rate * duration.toMillis() / 1000);
    long[] latencyNanos = new long[total];
    AtomicInteger failures = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(total);
    long intervalNanos = 1_000_000_000L / rate;
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long due = start + i * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      int request = i;
      http.request(HttpMethod.GET, path.apply(i))
          .compose(outbound -> outbound.send().compose(response -> response.body().map(body -> response.statusCode())))
          .onComplete(answer -> {
            latencyNanos[request] = System.nanoTime() - due;
            if (answer.failed() || answer.result() / 100 != 2) {
              failures.incrementAndGet();
            }
            done.countDown();
          });
    }
    done.await(duration.toSeconds() + 60, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    http.close();
    long[] sorted = latencyNanos.clone();
    Arrays.sort(sorted);
    return new Result(name, total, seconds, millis(sorted, 0.50), millis(sorted, 0.99), sorted[sorted.length - 1] / 1e6, failures.get());
  }

  /** The {@code quantile} of sorted nanoseconds, in milliseconds. */
  static double millis(long[] sorted, double quantile) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
  }
}
