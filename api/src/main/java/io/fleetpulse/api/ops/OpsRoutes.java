package io.fleetpulse.api.ops;

import io.fleetpulse.api.auth.BearerAuth;
import io.fleetpulse.api.auth.Role;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** {@code /healthz} (liveness) and {@code /metrics} (Prometheus), served alike by the api and the standalone collector. */
public final class OpsRoutes {

  private OpsRoutes() {}

  /** Mounts both; {@code scrapers} ({@link BearerAuth#scrapers}) guards /metrics once any token is configured. */
  public static void mount(Router router, Vertx vertx, PrometheusMeterRegistry metrics, BearerAuth scrapers) {
    router.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end("{\"status\":\"UP\"}"));
    // Scraping renders every meter: off the event loop, like any other blocking work.
    router.get("/metrics").handler(scrapers.require(Role.VIEWER))
        .handler(ctx -> vertx.executeBlocking(metrics::scrape, false)
            .onSuccess(text -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text))
            .onFailure(ctx::fail));
  }
}
