package io.fleetpulse.collector.ssh;

import static org.awaitility.Awaitility.await;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.schemas.ConnectionState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The collector side of {@link SshTailBenchmark}, in its own JVM (run with -Xmx1g): tails every device
 * of the inventory, waits until all stream, then measures committed entries per second and the heap
 * after a full GC. Prints {@code KEY value} lines for the driver.
 */
final class SshBenchCollector {

  private SshBenchCollector() {}

  /** Args: inventory knownHosts bootstrap devices seconds. */
  public static void main(String[] args) throws Exception {
    int devices = Integer.parseInt(args[3]);
    Duration window = Duration.ofSeconds(Long.parseLong(args[4]));
    System.out.println("HEAP_IDLE " + heapAfterGc());
    SshTailSettings defaults = SshTailSettings.of(Path.of(args[0]), Path.of(args[1]), args[2]);
    SshTailSettings settings = new SshTailSettings(defaults.inventoryFile(), defaults.knownHosts(), false, "journalctl", StartPosition.NOW,
        defaults.diskMounts(), defaults.diskInterval(), defaults.statusInterval(), defaults.backoff(), defaults.inventoryReload(), args[2],
        "ssh-bench-" + System.nanoTime(), JournalLimits.DEFAULT, 
        (int) limit("bench.inflight", defaults.maxInFlightBytesPerSession()), limit("bench.pending", defaults.maxPendingBytes()), Map.of());
    long begin = System.nanoTime();
    try (SshTailer tailer = new SshTailer(settings, new SimpleMeterRegistry()).start()) {
      await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
          .until(() -> tailer.devicesIn(ConnectionState.STREAMING) >= devices);
      System.out.println("CONNECTED " + tailer.devicesIn(ConnectionState.STREAMING) + " " + (System.nanoTime() - begin) / 1_000_000);
      // Settle, then measure committed entries over a fixed window: the benchmark's clock, not a wait for a condition.
      LockSupport.parkNanos(Duration.ofSeconds(10).toNanos());
      double start = tailer.entriesCommitted();
      long t0 = System.nanoTime();
      LockSupport.parkNanos(window.toNanos());
      double end = tailer.entriesCommitted();
      long t1 = System.nanoTime();
      System.out.println("RATE " + (long) ((end - start) / ((t1 - t0) / 1e9)));
      System.out.println("STREAMING " + tailer.devicesIn(ConnectionState.STREAMING));
      System.out.println("HEAP_STREAMING " + heapAfterGc());
    }
    System.exit(0);
  }

  private static long limit(String property, long fallback) {
    String value = System.getProperty(property, "");
    return value.isEmpty() ? fallback : Long.parseLong(value);
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
