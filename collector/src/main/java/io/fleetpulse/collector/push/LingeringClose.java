package io.fleetpulse.collector.push;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * After an early answer (a refusal, or a push stopped at a limit before its body was read to the end) the
 * client may still be sending: most HTTP clients read the answer only once their body is out, and would
 * hang on a connection nobody reads. So the rest of the body is read and dropped, never decoded or
 * committed, and the connection (answered with {@code Connection: close}) closes when the body ends, or
 * after {@link #LINGER} at the latest, like a web server's lingering close.
 */
final class LingeringClose {

  static final Duration LINGER = Duration.ofSeconds(10);

  private LingeringClose() {}

  static void discardRestOf(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.isEnded()) {
      return;
    }
    Vertx vertx = ctx.vertx();
    long timer = vertx.setTimer(LINGER.toMillis(), id -> request.connection().close());
    request.handler(ignored -> { })
        .endHandler(ended -> vertx.cancelTimer(timer))
        .exceptionHandler(broken -> vertx.cancelTimer(timer));
    request.resume();
  }
}
