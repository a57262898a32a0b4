package io.fleetpulse.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

  SimulationRun(SimulatorSettings settings, String collectorUrl) {
    this.fleet = new FleetSimulator(settings);
    this.collector = new CollectorClient(collectorUrl);
  }

  /** Device uuid → the scenario it replays, for telling people where to look. */
  Map<SimulatedDevice, Scenario> scenarios() {
    return fleet.scenarios();
  }

  SimulationRun start() {
    log.info("Simulating {} devices, {} of them replaying failure scenarios", fleet.devices().size(), fleet.scenarios().size());
    clock.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS);
    return this;
  }

  private void tick() {
    try {
      collector.push(fleet.tick(Instant.now()));
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
  }
}
