package io.fleetpulse.launcher.role;

import io.fleetpulse.api.auth.ApiToken;
import io.fleetpulse.api.ops.OpsRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * {@code /healthz} and {@code /metrics} of the standalone collector, on a port of their own: the push
 * port speaks only the device protocol, and probes and scrapes should not compete with devices for it.
 */
final class OpsServer extends VerticleBase {

  private final String host;
  private final int port;
  private final PrometheusMeterRegistry metrics;
  private final ApiToken metricsToken;
  private HttpServer server;

  OpsServer(String host, int port, PrometheusMeterRegistry metrics, ApiToken metricsToken) {
    this.host = host;
    this.port = port;
    this.metrics = metrics;
    this.metricsToken = metricsToken;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, vertx, metrics, metricsToken);
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(router)
        .listen()
        .onSuccess(listening -> server = listening);
  }

  int port() {
    return server.actualPort();
  }
}
