package io.fleetpulse.api;

import io.fleetpulse.api.devices.DeviceEventsQuery;
import io.fleetpulse.api.devices.DeviceRoutes;
import io.fleetpulse.api.health.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The query API (CONTRACT.md, "Query API"): REST over the streams' state, health endpoints. */
public final class ApiServer extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final ApiSettings settings;
  private final KafkaStreams streams;
  private final Readiness readiness;
  private final PrometheusMeterRegistry metrics;
  private HttpServer server;

  public ApiServer(ApiSettings settings, KafkaStreams streams, Readiness readiness, PrometheusMeterRegistry metrics) {
    this.settings = settings;
    this.streams = streams;
    this.readiness = readiness;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/healthz").handler(ctx -> ApiResponses.json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/readyz").handler(ctx -> {
      List<String> waiting = readiness.notReady();
      if (waiting.isEmpty()) {
        ApiResponses.json(ctx, 200, new JsonObject().put("status", "READY"));
      } else {
        ApiResponses.json(ctx, 503, new JsonObject().put("status", "NOT_READY").put("waitingFor", new JsonArray(waiting)));
      }
    });
    // Scraping renders every meter: off the event loop, like any other blocking work.
    router.get("/metrics").handler(ctx -> vertx.executeBlocking(metrics::scrape, false)
        .onSuccess(text -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text))
        .onFailure(ctx::fail));
    new DeviceRoutes(vertx, new DeviceEventsQuery(streams)).mount(router);
    return vertx.createHttpServer(new HttpServerOptions().setHost(settings.host()).setPort(settings.port()))
        .requestHandler(router)
        .listen()
        .onSuccess(listening -> {
          server = listening;
          log.info("API listening on http://{}:{}", settings.host(), listening.actualPort());
        });
  }

  /** The port actually bound (differs from the setting when that was 0). */
  public int port() {
    return server.actualPort();
  }
}
