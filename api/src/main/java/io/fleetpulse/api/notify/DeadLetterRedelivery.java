package io.fleetpulse.api.notify;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every route's dead letters again on its own, as {@code ./fleetpulse notify replay} does by hand: a route
 * gives an alert up after its attempts (so the alerts after it do not wait behind it), and this keeps trying it
 * for as long as it matters — every {@link Settings#every()}, doubling while the receiver stays down, until it
 * is delivered, resolves (a firing that resolved since is not sent), or is older than {@link Settings#maxAge()}
 * (left in the dead-letter topic for a replay by hand). One instance of a deployment redelivers
 * ({@link Settings#here()}); replays remember their progress in Kafka, so the instance taking over goes on from there.
 */
final class DeadLetterRedelivery implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(DeadLetterRedelivery.class);
  /** How far the wait grows while a receiver stays down: 4 × {@code every}, so one back is served within minutes. */
  private static final int MAX_BACKOFF_FACTOR = 4;

  /**
   * @param every how often dead letters are looked for
   * @param maxAge letters older than this are left for a replay by hand
   * @param here whether this instance is the one that redelivers now
   */
  record Settings(Duration every, Duration maxAge, BooleanSupplier here) {
    static final Settings OFF = new Settings(Duration.ZERO, Duration.ZERO, () -> false);

    boolean on() {
      return !every.isZero() && !every.isNegative() && !maxAge.isZero() && !maxAge.isNegative();
    }
  }

  private final Settings settings;
  private final DeadLetterReplay replay;
  private final List<NotifyRoute> routes;
  private final CountDownLatch stopping;

  DeadLetterRedelivery(Settings settings, NotifySettings notify, Muting muting, CountDownLatch stopping) {
    this.settings = settings;
    this.replay = new DeadLetterReplay(notify, muting);
    this.routes = notify.routes();
    this.stopping = stopping;
  }

  @Override
  public void run() {
    Duration wait = settings.every();
    try {
      while (!stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        boolean receiverDown = settings.here().getAsBoolean() && !redeliverEveryRoute();
        wait = receiverDown ? min(wait.multipliedBy(2), settings.every().multipliedBy(MAX_BACKOFF_FACTOR)) : settings.every();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One round over the routes; false when a receiver still failed. */
  private boolean redeliverEveryRoute() throws InterruptedException {
    boolean allDelivered = true;
    for (NotifyRoute route : routes) {
      try {
        if (!replay.hasNew(route)) {
          continue;
        }
        StringWriter said = new StringWriter();
        DeadLetterReplay.Result result = replay.redeliver(route, settings.maxAge(), new PrintWriter(said));
        if (result.stoppedOn().isPresent()) {
          allDelivered = false;
          log.warn("{}: redelivering its dead letters stopped, the receiver still fails ({}); {} sent this round, trying again later",
              route, result.stoppedOn().get(), result.delivered());
        } else if (result.letters() > 0) {
          log.info("{}: redelivered {} dead-lettered alert(s) now that the receiver answers ({} resolved since, {} silenced or "
              + "acknowledged since, {} older than {} left for ./fleetpulse notify replay)", route, result.delivered(), result.resolvedSince(),
              result.muted(), result.tooOld(), settings.maxAge());
        }
        log.debug("{}: redelivery round:\n{}", route, said);
      } catch (RuntimeException e) {
        allDelivered = false;
        log.warn("{}: redelivering its dead letters failed: {}; trying again later", route, e.toString());
      }
    }
    return allDelivered;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
