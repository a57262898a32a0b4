package io.fleetpulse.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;

/**
 * The receiving end of {@code bench simulator}, in a JVM of its own so that the simulator's JVM holds nothing but
 * the simulator: an HTTP server that reads every request's body and answers 202, as a collector that keeps up
 * would. Prints {@value #LISTENING} and its port once it listens.
 */
final class PushSink {

  static final String LISTENING = "LISTENING";

  private PushSink() {}

  /** Args: port. */
  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(Integer.parseInt(args[0])).setAcceptBacklog(4096))
        .requestHandler(request -> request.body().onComplete(body -> request.response().setStatusCode(202).end()))
        .listen()
        .onSuccess(server -> System.out.println(LISTENING + " " + server.actualPort()))
        .onFailure(error -> {
          System.err.println("push sink: cannot listen: " + error.getMessage());
          System.exit(1);
        });
  }
}
