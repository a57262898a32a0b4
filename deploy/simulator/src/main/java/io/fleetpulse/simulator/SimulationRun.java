package io.fleetpulse.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a simulated fleet against a collector in real time, one tick a second, reporting progress. */
public final class SimulationRun implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SimulationRun.class);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);

  private final FleetSimulator fleet;
  private final CollectorClient collector;
  private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "fleet-simulator");
    thread.setDaemon(true);
    return thread;
  });
  private Instant lastProgress = Instant.now();
  private final AtomicLong ticks = new AtomicLong();

  SimulationRun(SimulatorSettings settings, String collectorUrl) {
    this.fleet = new FleetSimulator(settings);
    this.collector = new CollectorClient(collectorUrl);
  }

  /** A fleet replaying every failure scenario, as {@code fleetpulse demo} runs it; not started yet. */
  public static SimulationRun everyScenario(int devices, int fleets, double entriesPerSecond, long seed, String collectorUrl) {
    return new SimulationRun(new SimulatorSettings(devices, fleets, entriesPerSecond, seed, EnumSet.allOf(Scenario.class)), collectorUrl);
  }

  /** What should be detected, device by device replaying a scenario: for telling people where to look, and for tests. */
  public List<Expectation> expectations() {
    List<Expectation> expected = new ArrayList<>();
    fleet.scenarios().forEach((device, scenario) -> expected.add(new Expectation(device.uuid, device.fleet,
        scenario.name().toLowerCase(Locale.ROOT).replace('_', '-'), scenario.alertKind(), scenario.cause())));
    return expected;
  }

  /**
   * Journal entries so far: written by the fleet, answered 202, held back to be sent again (429, 503, no answer),
   * refused for good; the requests (entries and disk samples) answered; and the seconds of fleet time simulated,
   * which fall behind the clock's when the simulator cannot keep up.
   */
  public record Progress(long written, long accepted, long retried, long refused, long requests, long ticks) {}

  public Progress progress() {
    CollectorClient.Stats stats = collector.stats();
    return new Progress(stats.written(), stats.accepted(), stats.retried(), stats.refused(), stats.requests(), ticks.get());
  }

  public SimulationRun start() {
    log.info("Simulating {} devices, {} of them replaying failure scenarios", fleet.devices().size(), fleet.scenarios().size());
    clock.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS);
    return this;
  }

  private void tick() {
    try {
      collector.push(fleet.tick(Instant.now()));
      ticks.incrementAndGet();
      if (Instant.now().isAfter(lastProgress.plus(PROGRESS_EVERY))) {
        lastProgress = Instant.now();
        CollectorClient.Stats stats = collector.stats();
        log.info("Simulator: {} entries accepted, {} held back for retry, {} refused", stats.accepted(), stats.retried(), stats.refused());
      }
    } catch (RuntimeException e) {
      log.warn("Simulator tick failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    clock.shutdownNow();
    try {
      // A tick under way finishes before the HTTP client it pushes through goes.
      clock.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    collector.close();
  }
}
