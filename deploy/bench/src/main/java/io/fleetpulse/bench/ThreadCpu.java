package io.fleetpulse.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time of the threads whose names match, from when this was made: one side's own threads, not the
 * broker's (CPU per entry is robust where the machine is shared; rates are not). Threads that end
 * before the reading are not counted.
 */
final class ThreadCpu {

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Predicate<String> names;
  private final Map<Long, Long> atStart;

  private ThreadCpu(Predicate<String> names) {
    this.names = names;
    this.atStart = cpuNanosByThread();
  }

  static ThreadCpu of(Predicate<String> names) {
    return new ThreadCpu(names);
  }

  double microsSinceStart() {
    long nanos = 0;
    for (Map.Entry<Long, Long> thread : cpuNanosByThread().entrySet()) {
      nanos += thread.getValue() - atStart.getOrDefault(thread.getKey(), 0L);
    }
    return nanos / 1e3;
  }

  private Map<Long, Long> cpuNanosByThread() {
    Map<Long, Long> cpu = new HashMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (names.test(thread.getName())) {
        long nanos = threads.getThreadCpuTime(thread.getId());
        if (nanos >= 0) {
          cpu.put(thread.getId(), nanos);
        }
      }
    }
    return cpu;
  }
}
