package io.fleetpulse.launcher;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a service in the foreground until SIGTERM or Ctrl-C, then stops it cleanly, within
 * {@link #STOP_DEADLINE}: a stop that takes longer (a broker waiting for a controller, a stream thread that
 * does not finish) is given up, saying where it hung, and the process halts. Nothing is lost by that: every
 * part recovers from it as from a crash (exactly-once transactions, transactional state stores).
 */
final class Foreground {

  private static final Logger log = LoggerFactory.getLogger(Foreground.class);
  static final Duration STOP_DEADLINE = Duration.ofSeconds(30);

  private Foreground() {}

  static int run(Callable<?> start, Runnable stop) throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Thread stopping = Thread.currentThread();
      Thread deadline = new Thread(() -> {
        try {
          if (stopped.await(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
          }
        } catch (InterruptedException e) {
          return;
        }
        log.error("fleetpulse did not stop within {} s; giving up while in {}. Nothing is lost: the next start recovers "
            + "as after a crash", STOP_DEADLINE.toSeconds(), where(stopping));
        Runtime.getRuntime().halt(1);
      }, "fleetpulse-stop-deadline");
      deadline.setDaemon(true);
      deadline.start();
      stop.run();
      stopped.countDown();
    }, "fleetpulse-shutdown"));
    start.call();
    stopped.await();
    return 0;
  }

  /** The innermost fleetpulse frame the stopping thread is in, e.g. {@code io.fleetpulse.streams.FleetStreams.close}. */
  private static String where(Thread stopping) {
    return Arrays.stream(stopping.getStackTrace()).filter(frame -> frame.getClassName().startsWith("io.fleetpulse."))
        .findFirst().map(frame -> frame.getClassName() + "." + frame.getMethodName()).orElse("an unknown step");
  }
}
