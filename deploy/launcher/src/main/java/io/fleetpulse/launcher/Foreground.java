package io.fleetpulse.launcher;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs a service in the foreground until SIGTERM or Ctrl-C, then stops it cleanly. */
final class Foreground {

  private Foreground() {}

  static int run(Callable<?> start, Runnable stop) throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.run();
      stopped.countDown();
    }, "fleetpulse-shutdown"));
    start.call();
    stopped.await();
    return 0;
  }
}
