package io.fleetpulse.collector.push;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs one device's pushes one after another (different devices in parallel). Dedup depends on it: a
 * push must see the sequence marks of every push of its device before it, and must not overtake one
 * whose entries might still fail. Used from one event loop only.
 */
final class DeviceLanes {

  private final Map<String, Future<Void>> tails = new HashMap<>();

  Future<Void> run(String deviceUuid, Supplier<Future<Void>> push) {
    Future<Void> previous = tails.getOrDefault(deviceUuid, Future.succeededFuture());
    Promise<Void> done = Promise.promise();
    Future<Void> mine = done.future();
    tails.put(deviceUuid, mine);
    previous.onComplete(ignored -> push.get().onComplete(finished -> {
      tails.remove(deviceUuid, mine);
      done.complete();
    }));
    return mine;
  }
}
