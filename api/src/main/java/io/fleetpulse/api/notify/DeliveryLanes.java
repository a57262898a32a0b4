package io.fleetpulse.api.notify;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A route's deliveries, one after another per lane (a device, or a fleet for its incidents) and lanes side by
 * side on a few threads: one alert's retries hold up the later alerts of its own device, not the route's.
 */
final class DeliveryLanes implements AutoCloseable {

  private final ExecutorService threads;
  /** The deliveries waiting in each lane that has one running; a lane without work has no entry. */
  private final Map<String, ArrayDeque<Runnable>> lanes = new HashMap<>();

  DeliveryLanes(String route, int threadCount) {
    AtomicInteger number = new AtomicInteger();
    this.threads = Executors.newFixedThreadPool(threadCount, runnable -> {
      Thread thread = new Thread(runnable, "notify-" + route + "-" + number.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Runs {@code delivery} after the lane's earlier ones. */
  void submit(String lane, Runnable delivery) {
    synchronized (lanes) {
      ArrayDeque<Runnable> waiting = lanes.get(lane);
      if (waiting != null) {
        waiting.add(delivery);
        return;
      }
      lanes.put(lane, new ArrayDeque<>());
    }
    threads.execute(() -> drain(lane, delivery));
  }

  private void drain(String lane, Runnable first) {
    Runnable next = first;
    while (next != null) {
      next.run();
      synchronized (lanes) {
        next = lanes.get(lane).poll();
        if (next == null) {
          lanes.remove(lane);
        }
      }
    }
  }

  /** Waits up to {@code grace} for the deliveries under way (they end early once the notifier stops); true if they did. */
  boolean awaitIdle(Duration grace) throws InterruptedException {
    threads.shutdown();
    return threads.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
