package io.fleetpulse.api;

import io.fleetpulse.api.devices.DeviceEventsQuery;
import io.fleetpulse.api.devices.DeviceHealthQuery;
import io.fleetpulse.api.devices.DeviceRoutes;
import io.fleetpulse.api.journal.JournalRoutes;
import io.fleetpulse.api.auth.BearerAuth;
import io.fleetpulse.api.auth.Role;
import io.fleetpulse.api.pipeline.PipelineRoutes;
import io.fleetpulse.api.pipeline.PipelineWatchdog;
import io.fleetpulse.api.fleet.FleetRoutes;
import io.fleetpulse.api.fleet.FleetWideAnswer;
import io.fleetpulse.api.rules.RulesRoutes;
import io.fleetpulse.streams.rules.RuleSet;
import io.fleetpulse.streams.rules.RulesFileWatcher;
import java.util.function.Supplier;
import io.fleetpulse.api.fleet.LocalFleetState;
import io.fleetpulse.api.health.Readiness;
import io.fleetpulse.api.metrics.FleetGauges;
import io.fleetpulse.api.ops.OpsRoutes;
import io.fleetpulse.api.ops.QueryServerOptions;
import io.fleetpulse.api.routing.OwnerRouting;
import io.fleetpulse.api.routing.ScatterGather;
import io.fleetpulse.api.silence.SilenceBook;
import io.fleetpulse.api.silence.SilenceRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The query API (CONTRACT.md, "Query API"): REST over the streams' state, health endpoints. */
public final class ApiServer extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  private static final Duration GAUGE_REFRESH = Duration.ofSeconds(5);

  private final Supplier<RulesFileWatcher.Status> rules;
  private final ApiSettings settings;
  private final KafkaStreams streams;
  private final Readiness readiness;
  private final PrometheusMeterRegistry metrics;
  private final PipelineWatchdog watchdog;
  private final SilenceBook silences;
  private HttpServer server;
  private Router router;
  private FleetGauges gauges;

  /**
   * @param watchdog the pipeline watchdog whose findings {@code /api/v1/pipeline} shows (and whose stalled
   *     transactions an admin may abort there)
   * @param silences the silences and acknowledgements admins set here, and alerts are shown with
   */
  public ApiServer(ApiSettings settings, KafkaStreams streams, Readiness readiness, PipelineWatchdog watchdog, SilenceBook silences,
      PrometheusMeterRegistry metrics) {
    this(settings, streams, readiness, watchdog, silences, metrics, () -> new RulesFileWatcher.Status(RuleSet.NONE, null));
  }

  /** @param rules the users' rules in force and why their file was last refused ({@code GET /api/v1/rules}) */
  public ApiServer(ApiSettings settings, KafkaStreams streams, Readiness readiness, PipelineWatchdog watchdog, SilenceBook silences,
      PrometheusMeterRegistry metrics, Supplier<RulesFileWatcher.Status> rules) {
    this.rules = rules;
    this.settings = settings;
    this.silences = silences;
    this.streams = streams;
    this.readiness = readiness;
    this.watchdog = watchdog;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    BearerAuth auth = new BearerAuth(settings.tokens());
    OpsRoutes.mount(router, vertx, metrics, BearerAuth.scrapers(settings.tokens(), settings.metricsToken()));
    router.get("/readyz").handler(ctx -> {
      List<String> waiting = readiness.notReady();
      Map<String, List<String>> problems = readiness.problems();
      if (!waiting.isEmpty()) {
        ApiResponses.json(ctx, 503, new JsonObject().put("status", "NOT_READY").put("waitingFor", new JsonArray(waiting)));
      } else if (!problems.isEmpty()) {
        JsonObject named = new JsonObject();
        problems.forEach((name, lines) -> named.put(name, new JsonArray(lines)));
        ApiResponses.json(ctx, 503, new JsonObject().put("status", "DEGRADED").put("problems", named));
      } else {
        ApiResponses.json(ctx, 200, new JsonObject().put("status", "READY"));
      }
    });
    Buffer openapi = resource("/openapi.yaml");
    Buffer fleetPage = resource("/webroot/index.html");
    router.get("/").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(fleetPage));
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml").end(openapi));
    router.route("/api/*").handler(auth.require(Role.VIEWER));
    OwnerRouting owners = new OwnerRouting(vertx, streams, settings.advertised());
    new DeviceRoutes(vertx, new DeviceEventsQuery(streams), new DeviceHealthQuery(streams), owners).mount(router);
    new JournalRoutes(vertx, streams, owners, auth, settings.journalReaders()).mount(router);
    LocalFleetState fleetState = new LocalFleetState(streams);
    ScatterGather instances = new ScatterGather(vertx, streams, settings.advertised());
    FleetWideAnswer fleetWide = new FleetWideAnswer(vertx, instances);
    new FleetRoutes(fleetState, fleetWide, silences).mount(router);
    new RulesRoutes(fleetState, fleetWide, rules).mount(router);
    new SilenceRoutes(vertx, silences, auth).mount(router);
    new PipelineRoutes(watchdog, auth).mount(router);
    gauges = new FleetGauges(vertx, fleetState, instances.ownedHere(), metrics, settings.perDeviceSeriesCap()).start(GAUGE_REFRESH);
    this.router = router;
    return vertx.createHttpServer(QueryServerOptions.of(settings.host(), settings.port()))
        .requestHandler(router)
        .listen()
        .onSuccess(listening -> {
          server = listening;
          log.info("API listening on http://{}:{}", settings.host(), listening.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    gauges.stop();
    return Future.succeededFuture();
  }

  private static Buffer resource(String path) {
    try (InputStream in = ApiServer.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is missing from the api jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The routes served, for checking them against the OpenAPI document. */
  public Router router() {
    return router;
  }

  /** The port actually bound (differs from the setting when that was 0). */
  public int port() {
    return server.actualPort();
  }
}
