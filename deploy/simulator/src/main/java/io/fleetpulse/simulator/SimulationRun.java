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

/**
 * Runs a simulated fleet against a collector, one tick per second of fleet time, reporting progress. The fleet's time
 * is the wall clock's, or a replay catching up with it ({@link SimulationClock}); a simulator that falls behind ticks
 * each second it missed, in order, so devices' journals never skip a second.
 */
public final class SimulationRun implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SimulationRun.class);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);

  /** How often the clock is looked at: a replay's seconds (100 a second at a speed of 100) go out evenly, not in bursts. */
  private static final long LOOK_EVERY_MILLIS = 10;

  private final SimulatorSettings settings;
  private final FleetSimulator fleet;
  private final CollectorClient collector;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "fleet-simulator");
    thread.setDaemon(true);
    return thread;
  });
  private Instant lastProgress = Instant.now();
  private final AtomicLong ticks = new AtomicLong();
  private SimulationClock clock;
  /** The next second of fleet time to tick; only the ticking thread touches it once started. */
  private volatile Instant next;

  SimulationRun(SimulatorSettings settings, String collectorUrl) {
    this.settings = settings;
    this.fleet = new FleetSimulator(settings);
    this.collector = new CollectorClient(collectorUrl);
  }

  /** A fleet replaying every failure scenario, as {@code fleetpulse demo} runs it; not started yet. */
  public static SimulationRun everyScenario(int devices, int fleets, double entriesPerSecond, long seed, String collectorUrl) {
    return new SimulationRun(new SimulatorSettings(devices, fleets, entriesPerSecond, seed, EnumSet.allOf(Scenario.class)), collectorUrl);
  }

  /**
   * A fleet living the {@link Profile#DAY day profile}: {@code day} of it replayed {@code speed} times faster than the
   * clock, reaching the present as it ends; with {@code scenarios}, every failure scenario in its last 15 minutes.
   */
  public static SimulationRun benignDay(int devices, int fleets, long seed, Duration day, double speed, boolean scenarios,
      String collectorUrl) {
    return new SimulationRun(new SimulatorSettings(devices, fleets, 0, seed, scenarios ? EnumSet.allOf(Scenario.class)
        : EnumSet.noneOf(Scenario.class), Profile.DAY, day, speed), collectorUrl);
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
    Instant now = Instant.now();
    clock = SimulationClock.replaying(now, settings.replayed(), settings.speed());
    next = clock.at(now);
    log.info("Simulating {} devices ({} profile), {} of them replaying failure scenarios{}", fleet.devices().size(),
        settings.profile().name().toLowerCase(Locale.ROOT), fleet.scenarios().size(), clock.speed() > 1 ? String.format(Locale.ROOT,
            "; replaying %.1f h of fleet time %.0f times faster than the clock, from %s, as devices uploading what they logged offline",
            settings.replayed().toMinutes() / 60.0, clock.speed(), next) : "");
    ticker.scheduleWithFixedDelay(this::tickWhatIsDue, 0, LOOK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Whether the fleet's time has reached the present (at once unless replaying). */
  public boolean caughtUp() {
    return next != null && !next.isBefore(Instant.now().minusSeconds(1));
  }

  private void tickWhatIsDue() {
    try {
      Instant due = clock.at(Instant.now());
      while (!next.isAfter(due) && !Thread.currentThread().isInterrupted()) {
        collector.push(fleet.tick(next));
        next = next.plusSeconds(1);
        ticks.incrementAndGet();
        reportProgress();
      }
      reportProgress();
    } catch (RuntimeException e) {
      log.warn("Simulator tick failed: {}", e.toString());
    }
  }

  private void reportProgress() {
    if (Instant.now().isAfter(lastProgress.plus(PROGRESS_EVERY))) {
      lastProgress = Instant.now();
      CollectorClient.Stats stats = collector.stats();
      log.info("Simulator: {}{} entries accepted, {} held back for retry, {} refused", caughtUp() ? "" : clock.speed() > 1
          ? "replaying, fleet time " + next + ", " : Duration.between(next, Instant.now()).toSeconds() + " s behind the clock, ",
          stats.accepted(), stats.retried(), stats.refused());
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      // A tick under way finishes before the HTTP client it pushes through goes.
      ticker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    collector.close();
  }
}
