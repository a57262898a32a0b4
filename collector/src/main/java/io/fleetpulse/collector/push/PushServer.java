package io.fleetpulse.collector.push;

import io.fleetpulse.collector.dedup.SequenceMarkStore;
import io.fleetpulse.collector.dedup.SequenceMarks;
import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.collector.journal.JournalEntryNormalizer;
import io.fleetpulse.collector.journal.JournalJsonParser;
import io.fleetpulse.collector.journal.MalformedEntryException;
import io.fleetpulse.collector.publish.ReportPublisher;
import io.fleetpulse.collector.publish.JournalPublisher;
import io.fleetpulse.collector.ratelimit.ConnectionRateLimiter;
import io.fleetpulse.collector.ratelimit.DeviceRateLimiter;
import io.fleetpulse.schemas.DeviceFacts;
import io.fleetpulse.schemas.DiskSample;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's HTTP ingest: devices push their journal here (CONTRACT.md, "Ingest").
 *
 * <p>{@code /upload} takes the Journal Export Format from systemd-journal-upload, {@code /entries}
 * takes {@code journalctl -o json} lines; both then share one path ({@link PushRequest}): rate limit,
 * streaming decode, normalisation, dedup, publishing, 202 once Kafka has acknowledged every entry.
 * One device's pushes are handled one after another, different devices' in parallel, on
 * {@link #EVENT_LOOPS} event loops that share the port (parsing, normalising and encoding are the work).
 */
public final class PushServer extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(PushServer.class);
  private static final Set<String> JSON_TYPES = Set.of("application/x-ndjson", "application/json", "application/jsonl");
  private static final String EXPORT_TYPE = "application/vnd.fdo.journal";
  private static final int DISK_BODY_LIMIT = 64 * 1024;
  /** Four short strings: anything bigger is not facts. */
  private static final int FACTS_BODY_LIMIT = 4 * 1024;
  /** One per core: a push's work is CPU (parsing, normalising, encoding), never blocking. */
  static final int EVENT_LOOPS = Math.max(1, Runtime.getRuntime().availableProcessors());

  private final PushSettings settings;
  private final JournalPublisher publisher;
  private final SequenceMarkStore markStore;
  private final ReportPublisher reports;
  private final MeterRegistry registry;
  private final DeviceRateLimiter rateLimiter;
  private final DeviceLanes lanes = new DeviceLanes();
  private ConnectionGuard guard;
  private volatile boolean settled;
  private static final Duration SETTLE_WAIT = Duration.ofSeconds(10);
  private PushPipeline json;
  private PushPipeline export;
  private volatile DeviceTokens tokens;
  private DeviceAuthentication authentication;
  private volatile int port;

  /**
   * @param markStore where the dedup marks live; they are loaded when the verticle starts, then followed until it stops
   * @param reports where disk samples and software facts go
   * @param registry where the ingest meters are registered
   */
  public PushServer(PushSettings settings, JournalPublisher publisher, SequenceMarkStore markStore, ReportPublisher reports,
      MeterRegistry registry) {
    this.settings = settings;
    this.publisher = publisher;
    this.markStore = markStore;
    this.reports = reports;
    this.registry = registry;
    this.rateLimiter = new DeviceRateLimiter(settings.rateLimits());
  }

  @Override
  public Future<?> start() {
    return vertx.executeBlocking(() -> {
      if (settings.deviceTokensFile().isPresent()) {
        tokens = DeviceTokens.load(settings.deviceTokensFile().get());
      }
      return markStore.load();
    }).compose(loaded -> {
      if (tokens != null) {
        vertx.setPeriodic(DeviceTokens.RELOAD_CHECK_MS, id -> vertx.executeBlocking(() -> {
          tokens.reloadIfChanged();
          return null;
        }, false));
      }
      authentication = new DeviceAuthentication(mutualTls(), tokens);
      SequenceMarks marks = new SequenceMarks(loaded);
      markStore.follow(marks, registry);
      JournalEntryNormalizer normalizer = new JournalEntryNormalizer();
      InFlightBudget memory = new InFlightBudget(settings.inFlightBytes());
      Gauge.builder("fleetpulse.collector.inflight.bytes", memory::used)
          .description("Pushed bytes read but not yet committed to Kafka, against collector.limits.inFlightBytes").register(registry);
      json = new PushPipeline("push-json", settings.limits(), normalizer, marks, markStore, publisher, rateLimiter, memory,
          new IngestMetrics(registry, "push-json"));
      export = new PushPipeline("push-export", settings.limits(), normalizer, marks, markStore, publisher, rateLimiter, memory,
          new IngestMetrics(registry, "push-export"));
      log.info("Loaded the dedup marks of {} devices", loaded.size());
      guard = new ConnectionGuard(settings.connections().maxConnections(), settings.connections().maxConnectionsPerAddress(),
          new ConnectionRateLimiter(settings.connections().newConnectionsPerSecondPerAddress()),
          () -> json.metrics().rejected("connection_closed"));
      Gauge.builder("fleetpulse.collector.connections", guard::connections)
          .description("Push connections open, against collector.limits.maxConnections").register(registry);
      return settled();
    }).compose(settledOrWaitedEnough ->
        // Instances of one deployment share the socket; a negative port is Vert.x's shared random port.
        vertx.deployVerticle(Listener::new, new DeploymentOptions().setInstances(EVENT_LOOPS))
    ).onSuccess(listening -> log.info("Collector accepting pushes on {}://{}:{} ({}; {} event loops; up to {} connections, "
            + "{} per address, of {} file descriptors)", settings.tls().isPresent() ? "https" : "http", settings.host(), port,
        credentials(), EVENT_LOOPS, cap(settings.connections().maxConnections()), cap(settings.connections().maxConnectionsPerAddress()),
        ConnectionLimits.descriptorLimit()));
  }

  /**
   * A push this collector's killed predecessor committed just before the kill may stay undecided until our
   * producers register; its dedup mark must be known before a re-send of it is taken, or it would land
   * twice. Until then pushes are answered 503. Completes once settled, or after {@link #SETTLE_WAIT} at the
   * latest, so that a collector whose Kafka is unreachable still listens (and says so).
   */
  private Future<Void> settled() {
    Promise<Void> listen = Promise.promise();
    publisher.registered().compose(registered -> Future.fromCompletionStage(markStore.caughtUp()))
        .onSuccess(caughtUp -> {
          settled = true;
          log.info("Previous transactions settled and their dedup marks read: taking pushes");
          listen.tryComplete();
        });
    vertx.setTimer(SETTLE_WAIT.toMillis(), id -> listen.tryComplete());
    return listen.future();
  }

  /** Stops following the other collectors' dedup marks (the listeners, child verticles, are undeployed first). */
  @Override
  public Future<?> stop() {
    return vertx.executeBlocking(() -> {
      markStore.close();
      return null;
    });
  }

  /** One event loop's share of the push endpoints: Vert.x hands each new connection to one of them in turn. */
  private final class Listener extends VerticleBase {
    @Override
    public Future<?> start() {
      return vertx.createHttpServer(serverOptions(settings.port() == 0 ? -1 : settings.port()))
          .connectionHandler(guard::connected)
          .requestHandler(router())
          .listen().onSuccess(listening -> port = listening.actualPort());
    }
  }

  /** One per event loop, so that the loops share no parser state (Jackson's buffer pool, its name tables). */
  private Router router() {
    Router router = Router.router(vertx);
    JournalJsonParser jsonParser = new JournalJsonParser(settings.limits());
    for (String prefix : List.of("", "/fleets/:fleet")) {
      router.post(prefix + "/devices/:uuid/entries").handler(ctx -> accept(ctx, json, JSON_TYPES,
          "application/x-ndjson or application/json (journalctl -o json output)",
          () -> EntryDecoder.jsonLines(jsonParser, settings.limits())));
      router.post(prefix + "/devices/:uuid/upload").handler(ctx -> accept(ctx, export, Set.of(EXPORT_TYPE),
          EXPORT_TYPE + " (the Journal Export Format, as systemd-journal-upload sends it)",
          () -> EntryDecoder.journalExport(settings.limits())));
      // Vert.x Web reads bodies before any user handler: a disk push is small (DISK_BODY_LIMIT) anyway.
      router.post(prefix + "/devices/:uuid/metrics").handler(BodyHandler.create().setBodyLimit(DISK_BODY_LIMIT))
          .handler(this::acceptDiskSamples);
      router.post(prefix + "/devices/:uuid/facts").handler(BodyHandler.create().setBodyLimit(FACTS_BODY_LIMIT))
          .handler(this::acceptFacts);
      router.post(prefix + "/upload").handler(ctx -> accept(ctx, export, Set.of(EXPORT_TYPE),
          EXPORT_TYPE + " (the Journal Export Format, as systemd-journal-upload sends it)",
          () -> EntryDecoder.journalExport(settings.limits())));
    }
    return router;
  }

  private HttpServerOptions serverOptions(int listenPort) {
    HttpServerOptions options = new HttpServerOptions().setHost(settings.host()).setPort(listenPort)
        // Half-open connections of devices that vanished are found by the kernel, idle ones closed by us.
        .setTcpKeepAlive(true)
        .setIdleTimeout((int) settings.connections().idleTimeout().toSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS);
    settings.tls().ifPresent(tls -> {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()));
      if (tls.requiresClientCertificates()) {
        options.setTrustOptions(new PemTrustOptions().addCertPath(tls.clientCaPath())).setClientAuth(ClientAuth.REQUIRED);
      }
    });
    return options;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static String cap(int limit) {
    return limit == 0 ? "unlimited" : Integer.toString(limit);
  }

  private String credentials() {
    if (mutualTls() && tokens != null) {
      return "device certificate and token required on every endpoint";
    }
    if (mutualTls()) {
      return "device certificate required on every endpoint";
    }
    return tokens != null ? "device token required on every endpoint" : "no device authentication";
  }

  private boolean mutualTls() {
    return settings.tls().map(PushTls::requiresClientCertificates).orElse(false);
  }

  /** Connections from {@code address} counted against its cap (0 when there is no cap). */
  int connectionsFrom(String address) {
    return guard.connections(address);
  }

  /** The port actually bound (differs from the setting when that was 0). */
  public int port() {
    return port;
  }

  /**
   * The pushing device, authenticated (see {@link DeviceAuthentication}); null once the request has been
   * refused (400, 401 or 403, counted in {@code metrics}).
   */
  private DeviceRef identify(RoutingContext ctx, IngestMetrics metrics) {
    DeviceAuthentication.Outcome outcome = authentication.authenticate(ctx);
    if (outcome.refusal() != null) {
      metrics.rejected(outcome.refusal().metricReason());
      reply(ctx, outcome.refusal().status(), outcome.refusal().reason());
      return null;
    }
    return outcome.device();
  }

  /** {@code POST …/metrics}: disk samples, small enough to read whole; 202 once Kafka has them. */
  private void acceptDiskSamples(RoutingContext ctx) {
    DeviceRef device = identify(ctx, json.metrics());
    if (device == null) {
      return;
    }
    if (!"application/json".equals(mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE)))) {
      reply(ctx, 415, "Content-Type must be application/json");
      return;
    }
    List<DiskSample> samples;
    try {
      samples = DiskSamplesParser.parse(ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer(), device, Instant.now());
    } catch (MalformedEntryException e) {
      reply(ctx, e.tooLarge() ? 413 : 400, e.getMessage());
      return;
    }
    answerOnceKafkaHas(ctx, reports.publishDiskSamples(samples), samples.size(), samples.size() + " disk samples", device);
  }

  /** {@code POST …/facts}: what the device runs (OS, supervisor, app release, device type); 202 once Kafka has it. */
  private void acceptFacts(RoutingContext ctx) {
    DeviceRef device = identify(ctx, json.metrics());
    if (device == null) {
      return;
    }
    if (!"application/json".equals(mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE)))) {
      reply(ctx, 415, "Content-Type must be application/json");
      return;
    }
    DeviceFacts facts;
    try {
      facts = DeviceFactsParser.parse(ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer(), device, Instant.now());
    } catch (MalformedEntryException e) {
      reply(ctx, 400, e.getMessage());
      return;
    }
    answerOnceKafkaHas(ctx, reports.publishFacts(facts), 1, "the facts", device);
  }

  /** 202 with how many were accepted once Kafka has them; 503 + Retry-After when it does not take them. */
  private void answerOnceKafkaHas(RoutingContext ctx, Future<Void> published, int accepted, String what, DeviceRef device) {
    published
        .onSuccess(done -> ctx.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(new JsonObject().put("accepted", accepted).encode()))
        .onFailure(error -> {
          log.warn("Kafka did not take {} from device {}: {}", what, device.uuid(), error.toString());
          ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
          reply(ctx, 503, "Kafka is not reachable; nothing was lost, retry later");
        });
  }

  private void accept(RoutingContext ctx, PushPipeline pipeline, Set<String> contentTypes, String expectedType,
      Supplier<EntryDecoder> decoder) {
    DeviceRef device = identify(ctx, pipeline.metrics());
    if (device == null) {
      return;
    }
    String contentType = mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
    if (!contentTypes.contains(contentType)) {
      pipeline.metrics().rejected("unsupported_media_type");
      reply(ctx, 415, "Content-Type must be " + expectedType + ", not " + contentType);
      return;
    }
    String declaredLength = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declaredLength != null && parseLength(declaredLength) > settings.limits().maxRequestBytes()) {
      pipeline.metrics().rejected("too_large");
      reply(ctx, 413, "request is " + declaredLength + " bytes, over the limit of " + settings.limits().maxRequestBytes());
      return;
    }
    if (!settled) {
      pipeline.metrics().rejected("kafka_unavailable");
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5").putHeader(HttpHeaders.CONNECTION, "close");
      reply(ctx, 503, "the collector cannot commit yet (Kafka unreachable, or the previous run's transactions still "
          + "settling); nothing was lost, retry later");
      return;
    }
    // Pushes wait for Kafka twice: to learn their device's marks, then to be committed.
    Duration behind = max(publisher.commitWait(), markStore.barrierWait());
    if (behind.compareTo(publisher.behindAfter()) > 0) {
      // Honest back-pressure: Kafka is not keeping up, so this push would only queue behind the others and
      // likely time out. Refused before its body is read; the device re-sends later.
      pipeline.metrics().rejected("behind");
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(5, behind.toSeconds()))).putHeader(HttpHeaders.CONNECTION, "close");
      reply(ctx, 503, "the collector is behind: pushes wait " + behind.toMillis() + " ms for Kafka; nothing was lost, retry later");
      return;
    }
    Duration wait = rateLimiter.admitPush(device.uuid());
    if (!wait.isZero()) {
      pipeline.metrics().rejected("rate_limited");
      long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds)).putHeader(HttpHeaders.CONNECTION, "close");
      reply(ctx, 429, "device " + device.uuid() + " is over its rate limit; retry in " + seconds + " s");
      return;
    }
    PushRequest push = new PushRequest(ctx, device, decoder.get(), pipeline, settings.connections());
    lanes.run(device.uuid(), push::run);
  }

  private static void reply(RoutingContext ctx, int status, String reason) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("error", reason).encode());
    if (status >= 400) {
      LingeringClose.discardRestOf(ctx);
    }
  }

  private static String mediaType(String header) {
    if (header == null) {
      return "none";
    }
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  private static long parseLength(String header) {
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
