package io.fleetpulse.collector.push;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs one device's pushes one after another (different devices in parallel), whichever event loop
 * each arrives on. Dedup depends on it: a push must see the sequence marks of every push of its device
 * before it, and must not overtake one whose entries might still fail.
 */
final class DeviceLanes {

  private final Map<String, Future<Void>> tails = new ConcurrentHashMap<>();

  /** Runs {@code push} on the calling event loop once the device's previous push has finished. */
  Future<Void> run(String deviceUuid, Supplier<Future<Void>> push) {
    Context context = Vertx.currentContext();
    Promise<Void> done = Promise.promise();
    Future<Void> mine = done.future();
    Future<Void> previous = tails.put(deviceUuid, mine);
    Runnable start = () -> push.get().onComplete(finished -> {
      tails.remove(deviceUuid, mine);
      done.complete();
    });
    if (previous == null) {
      start.run();
    } else {
      // The previous push may finish on another event loop; this one's request belongs to this loop.
      previous.onComplete(finished -> context.runOnContext(ignored -> start.run()));
    }
    return mine;
  }
}
