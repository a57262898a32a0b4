package io.fleetpulse.bench;

import io.fleetpulse.bench.crash.FleetpulseProcess;
import io.fleetpulse.simulator.SimulationRun;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bench simulator}: what the simulated fleet costs by itself. Its pushes go to a {@link PushSink} in a
 * child JVM that answers 202 at once; after a warm-up, this JVM's CPU (every thread: the simulator's, its HTTP
 * client's, GC and JIT) is measured over a window, per device and second, per entry and per request, and whether
 * the fleet's time kept up with the clock's.
 */
final class SimulatorBenchmark {

  private static final Logger log = LoggerFactory.getLogger(SimulatorBenchmark.class);

  record Settings(int devices, double entriesPerSecond, Duration warmUp, Duration window, long seed) {}

  /** What one run measured over the window. */
  record Result(Settings settings, double seconds, long ticks, long written, long accepted, long requests, double cpuSeconds,
                Map<String, Double> byThreadKind) {

    double cores() {
      return cpuSeconds / seconds;
    }

    double microsPerDeviceSecond() {
      return cpuSeconds * 1e6 / (settings.devices() * seconds);
    }

    double microsPerEntry() {
      return accepted == 0 ? 0 : cpuSeconds * 1e6 / accepted;
    }

    double microsPerRequest() {
      return requests == 0 ? 0 : cpuSeconds * 1e6 / requests;
    }

    /** Simulated seconds per second of the clock: below 1, the simulator falls behind. */
    double pace() {
      return ticks / seconds;
    }

    /** The kinds of thread that used the most, largest first, as "name share%". */
    List<String> top(int kinds) {
      return byThreadKind.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(kinds)
          .map(kind -> String.format(Locale.ROOT, "%s %.0f %%", kind.getKey(), 100 * kind.getValue() / cpuSeconds)).toList();
    }
  }

  private final Settings settings;

  SimulatorBenchmark(Settings settings) {
    this.settings = settings;
  }

  Result run() throws Exception {
    int port = FleetpulseProcess.freePort();
    Process sink = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), PushSink.class.getName(), Integer.toString(port))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      awaitListening(sink);
      try (SimulationRun fleet = SimulationRun.everyScenario(settings.devices(), 3, settings.entriesPerSecond() / settings.devices(),
          settings.seed(), "http://127.0.0.1:" + port).start()) {
        log.info("{} devices offering {} entries/s in all to a sink that answers 202 at once; measuring after {} s", settings.devices(),
            settings.entriesPerSecond(), settings.warmUp().toSeconds());
        LockSupport.parkNanos(settings.warmUp().toNanos());
        SimulationRun.Progress before = fleet.progress();
        Map<Integer, LinuxThreadCpu.ThreadTime> cpuBefore = LinuxThreadCpu.threads("self");
        long start = System.nanoTime();
        LockSupport.parkNanos(settings.window().toNanos());
        SimulationRun.Progress after = fleet.progress();
        Map<String, Double> byKind = LinuxThreadCpu.byKindBetween(cpuBefore, LinuxThreadCpu.threads("self"));
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(settings, seconds, after.ticks() - before.ticks(), after.written() - before.written(),
            after.accepted() - before.accepted(), after.requests() - before.requests(),
            byKind.values().stream().reduce(0.0, Double::sum), byKind);
      }
    } finally {
      sink.destroyForcibly().waitFor();
    }
  }

  private static void awaitListening(Process sink) throws Exception {
    BufferedReader lines = new BufferedReader(new InputStreamReader(sink.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = lines.readLine()) != null; ) {
      if (line.startsWith(PushSink.LISTENING)) {
        return;
      }
    }
    throw new IllegalStateException("the push sink did not start (exit status " + sink.waitFor() + ")");
  }
}
