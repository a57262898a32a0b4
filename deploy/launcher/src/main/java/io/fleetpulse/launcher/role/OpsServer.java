package io.fleetpulse.launcher.role;

import io.fleetpulse.api.auth.BearerAuth;
import io.fleetpulse.api.ops.OpsRoutes;
import io.fleetpulse.api.ops.QueryServerOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/**
 * {@code /healthz} and {@code /metrics} of the standalone collector, on a port of their own: the push
 * port speaks only the device protocol, and probes and scrapes should not compete with devices for it.
 */
final class OpsServer extends VerticleBase {

  private final String host;
  private final int port;
  private final PrometheusMeterRegistry metrics;
  private final BearerAuth scrapers;
  private HttpServer server;

  /** @param scrapers who may read /metrics ({@link BearerAuth#scrapers}) */
  OpsServer(String host, int port, PrometheusMeterRegistry metrics, BearerAuth scrapers) {
    this.host = host;
    this.port = port;
    this.metrics = metrics;
    this.scrapers = scrapers;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, vertx, metrics, scrapers);
    return vertx.createHttpServer(QueryServerOptions.of(host, port))
        .requestHandler(router)
        .listen()
        .onSuccess(listening -> server = listening);
  }

  int port() {
    return server.actualPort();
  }
}
