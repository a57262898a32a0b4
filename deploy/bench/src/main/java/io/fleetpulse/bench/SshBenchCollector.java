package io.fleetpulse.bench;

import io.fleetpulse.collector.ssh.SshTailSettings;
import io.fleetpulse.collector.ssh.SshTailer;
import io.fleetpulse.schemas.ConnectionState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The collector side of {@code bench ssh}, in a JVM of its own (started by {@link SshBenchmark} with the
 * collector's heap limit): tails every device of the inventory at production settings, waits until all
 * stream, measures committed entries per second over a fixed window and the heap after a full GC. Talks to
 * the driver in {@code KEY value} lines on stdout; everything else it prints is its log.
 */
final class SshBenchCollector {

  static final String PROGRESS = "PROGRESS";
  static final String HEAP_IDLE = "HEAP_IDLE";
  static final String CONNECTED = "CONNECTED";
  static final String RATE = "RATE";
  static final String STREAMING = "STREAMING";
  static final String HEAP_STREAMING = "HEAP_STREAMING";

  private static final Duration REPORT_EVERY = Duration.ofSeconds(2);
  private static final Duration SETTLE = Duration.ofSeconds(10);

  private SshBenchCollector() {}

  /** Args: inventory knownHosts bootstrap devices seconds connectTimeoutSeconds. */
  public static void main(String[] args) throws Exception {
    int devices = Integer.parseInt(args[3]);
    Duration window = Duration.ofSeconds(Long.parseLong(args[4]));
    Duration connectTimeout = Duration.ofSeconds(Long.parseLong(args[5]));
    say(HEAP_IDLE, heapAfterGc());
    SshTailSettings defaults = SshTailSettings.of(Path.of(args[0]), Path.of(args[1]), args[2]);
    SshTailSettings settings = new SshTailSettings(defaults.inventoryFile(), defaults.knownHosts(), false, defaults.journalctl(),
        defaults.startPosition(), defaults.diskMounts(), defaults.diskInterval(), defaults.statusInterval(), defaults.backoff(),
        defaults.inventoryReload(), defaults.bootstrapServers(), "ssh-bench-" + System.nanoTime(), defaults.limits(),
        defaults.maxInFlightBytesPerSession(), defaults.maxPendingBytes(), defaults.producerOverrides());
    long begin = System.nanoTime();
    try (SshTailer tailer = new SshTailer(settings, new SimpleMeterRegistry()).start()) {
      long deadline = begin + connectTimeout.toNanos();
      while (tailer.devicesIn(ConnectionState.STREAMING) < devices && System.nanoTime() < deadline) {
        LockSupport.parkNanos(REPORT_EVERY.toNanos());
        progress(tailer);
      }
      say(CONNECTED, tailer.devicesIn(ConnectionState.STREAMING) + " " + (System.nanoTime() - begin) / 1_000_000);
      // the benchmark's clock from here: settle, then count committed entries over a fixed window
      pace(tailer, SETTLE);
      double start = tailer.entriesCommitted();
      long t0 = System.nanoTime();
      pace(tailer, window);
      double end = tailer.entriesCommitted();
      long t1 = System.nanoTime();
      say(RATE, (long) ((end - start) / ((t1 - t0) / 1e9)));
      say(STREAMING, tailer.devicesIn(ConnectionState.STREAMING));
      say(HEAP_STREAMING, heapAfterGc());
    }
    System.exit(0);
  }

  private static void pace(SshTailer tailer, Duration duration) {
    long until = System.nanoTime() + duration.toNanos();
    for (long left; (left = until - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(Math.min(left, REPORT_EVERY.toNanos()));
      progress(tailer);
    }
  }

  private static void progress(SshTailer tailer) {
    say(PROGRESS, tailer.devicesIn(ConnectionState.STREAMING) + " " + (long) tailer.entriesCommitted());
  }

  private static void say(String key, Object value) {
    System.out.println(key + " " + value);
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
