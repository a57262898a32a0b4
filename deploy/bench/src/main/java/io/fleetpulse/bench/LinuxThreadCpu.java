package io.fleetpulse.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time per thread of a process as Linux counts it ({@code /proc/PID/task/TID/stat}, user + system): unlike
 * {@link ThreadCpu} it sees the JVM's own threads (GC, JIT compilers) and the threads of another process, such
 * as the stack a benchmark runs as a child. Thread names are the kernel's, cut to 15 characters.
 */
final class LinuxThreadCpu {

  /** USER_HZ: the unit of {@code /proc}'s CPU times, 100 on every Linux ABI this runs on. */
  private static final double CLOCK_TICKS_PER_SECOND = 100;

  /** One thread's name and CPU seconds so far. */
  record ThreadTime(String name, double seconds) {}

  private LinuxThreadCpu() {}

  /** Every thread of process {@code pid} ({@code "self"} for this one), by thread id. */
  static Map<Integer, ThreadTime> threads(String pid) {
    Map<Integer, ThreadTime> threads = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", pid, "task"))) {
      for (Path task : tasks) {
        try {
          String name = Files.readString(task.resolve("comm")).strip();
          String stat = Files.readString(task.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          threads.put(Integer.parseInt(task.getFileName().toString()), new ThreadTime(name, ticks / CLOCK_TICKS_PER_SECOND));
        } catch (IOException ended) {
          // The thread ended while being read (HotSpot stops compiler threads it no longer needs): its time is
          // lost to this reading.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the threads of process " + pid, e);
    }
    return threads;
  }

  /**
   * A thread's name without what tells a pool's threads apart: "GC Thread#N", "vert.x-eventloo"; a name cut
   * in the middle of an instance id ("fleetpulse-8ad3", a Kafka Streams thread) ends in "*".
   */
  static String kind(String name) {
    return name.replaceAll("-[0-9a-f]*[0-9][0-9a-f]*$", "-*").replaceAll("(?<=[#_ ])[0-9]+$", "N");
  }

  /** CPU seconds of the threads whose name contains {@code part}, so far. */
  static double seconds(String pid, String part) {
    return threads(pid).values().stream().filter(thread -> thread.name().contains(part)).map(ThreadTime::seconds).reduce(0.0, Double::sum);
  }

  /**
   * CPU seconds between two readings, by {@link #kind} of thread, so a pool's threads add up. Threads that ended
   * in between are not counted.
   */
  static Map<String, Double> byKindBetween(Map<Integer, ThreadTime> before, Map<Integer, ThreadTime> after) {
    Map<String, Double> byKind = new TreeMap<>();
    after.forEach((tid, thread) -> {
      ThreadTime earlier = before.get(tid);
      double used = thread.seconds() - (earlier == null ? 0 : earlier.seconds());
      byKind.merge(kind(thread.name()), used, Double::sum);
    });
    return byKind;
  }
}
