package io.fleetpulse.launcher.allinone;

import io.fleetpulse.api.ApiServer;
import io.fleetpulse.api.ApiSettings;
import io.fleetpulse.api.health.Readiness;
import io.fleetpulse.api.metrics.MetricsRegistry;
import io.fleetpulse.api.notify.Notifiers;
import io.fleetpulse.api.notify.NotifyRoute;
import io.fleetpulse.api.notify.NotifySettings;
import io.fleetpulse.api.notify.RetryPolicy;
import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.JournalPublisher;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.collector.push.PushServer;
import io.fleetpulse.collector.push.PushSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.launcher.config.ApiSection;
import io.fleetpulse.launcher.config.BindPolicy;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.fleetpulse.launcher.config.NotifyRoutes;
import io.fleetpulse.schemas.TopicProvisioner;
import io.fleetpulse.streams.FleetStreams;
import io.fleetpulse.streams.StreamsSettings;
import io.fleetpulse.streams.detect.DetectionSettings;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./fleetpulse run}: the embedded broker, the collector, the streams and the API in one JVM.
 * Everything persistent lives under the data directory, so a restart continues where it stopped.
 */
public final class AllInOne implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AllInOne.class);

  private final FleetpulseConfig config;
  private final List<NotifyRoute> routes;
  private final ApiSettings apiSettings;
  private EmbeddedKafkaBroker broker;
  private Vertx vertx;
  private JournalPublisher publisher;
  private FleetStreams streams;
  private PushServer pushServer;
  private ApiServer apiServer;
  private Notifiers notifiers;
  private final PrometheusMeterRegistry metrics = MetricsRegistry.create();
  private KafkaStreamsMetrics streamsMetrics;

  public AllInOne(FleetpulseConfig config) {
    BindPolicy.requireLoopbackUnlessAuthenticated("collector", config.collector().host(), null,
        "put a TLS-terminating reverse proxy with device authentication in front (built-in device auth is planned)");
    this.apiSettings = ApiSection.settings(config.api(), config.api().port() == 0 ? FreePort.find() : config.api().port());
    BindPolicy.requireLoopbackUnlessAuthenticated("API", config.api().host(),
        apiSettings.tokens().isEmpty() ? null : "bearer tokens", "configure api.tokens (./fleetpulse token makes one)");
    this.config = config;
    this.routes = NotifyRoutes.of(config.notifications().routes(), System.getenv());
  }

  /** Starts every part and returns once the API and collector listen; readiness follows on /readyz. */
  public AllInOne start() throws InterruptedException {
    Instant begin = Instant.now();
    Path dataDir = Path.of(config.dataDir());

    log.info("[1/4] Starting embedded Kafka (data in {})", dataDir.resolve("kafka").toAbsolutePath());
    broker = new EmbeddedKafkaBroker(new EmbeddedKafkaBroker.Settings(dataDir.resolve("kafka"), "127.0.0.1",
        config.embedded().port(), config.embedded().controllerPort(), Map.of())).start();
    String bootstrap = broker.bootstrapServers();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      new TopicProvisioner(config.kafka().partitions(), config.kafka().replication()).provision(admin);
    }

    log.info("[2/4] Starting streams (state in {})", dataDir.resolve("streams").toAbsolutePath());
    streams = new FleetStreams(new StreamsSettings(bootstrap, config.streams().applicationId(), dataDir.resolve("streams"),
        config.kafka().replication(), Duration.ofDays(config.streams().eventRetentionDays()), Duration.ofDays(14),
        DetectionSettings.defaults(),
        Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, apiSettings.advertised().host() + ":" + apiSettings.advertised().port())));
    streamsMetrics = MetricsRegistry.bindStreams(metrics, streams.kafkaStreams());
    streams.start();

    vertx = MetricsRegistry.vertx(metrics);
    log.info("[3/4] Starting collector on {}:{}", config.collector().host(), config.collector().port());
    FleetpulseConfig.Limits limits = config.collector().limits();
    publisher = new JournalPublisher(vertx, new PublisherSettings(bootstrap,
        Duration.ofSeconds(config.kafka().deliveryTimeoutSeconds()), Map.of()));
    pushServer = new PushServer(new PushSettings(config.collector().host(), config.collector().port(),
        new JournalLimits(limits.maxFieldBytes(), limits.maxEntryBytes(), limits.maxFieldsPerEntry(), limits.maxRequestBytes())),
        publisher);
    vertx.deployVerticle(pushServer).await();

    log.info("[4/4] Starting API on {}:{}", config.api().host(), config.api().port());
    Readiness readiness = new Readiness()
        .require("kafka", broker::isRunning)
        .require("streams", streams::isRunning);
    apiServer = new ApiServer(apiSettings, streams.kafkaStreams(), readiness, metrics);
    vertx.deployVerticle(apiServer).await();

    FleetpulseConfig.Notifications notify = config.notifications();
    String publicUrl = notify.publicUrl().isEmpty() ? "http://" + config.api().host() + ":" + apiServer.port() : notify.publicUrl();
    notifiers = new Notifiers(new NotifySettings(bootstrap, publicUrl, routes,
        new RetryPolicy(notify.maxAttempts(), Duration.ofSeconds(1), Duration.ofMinutes(1)),
        Duration.ofSeconds(notify.resendIntervalSeconds())), metrics).start();

    log.info("fleetpulse started in {} ms: push to http://{}:{}/devices/<uuid>/entries, query http://{}:{}/api/v1/devices/<uuid>/events",
        Duration.between(begin, Instant.now()).toMillis(),
        config.collector().host(), pushServer.port(), config.api().host(), apiServer.port());
    return this;
  }

  public int collectorPort() {
    return pushServer.port();
  }

  public int apiPort() {
    return apiServer.port();
  }

  public boolean isReady() {
    return streams != null && streams.isRunning();
  }

  /**
   * Stops in reverse order: notifiers (an alert mid-retry stays uncommitted), no new requests, then
   * streams commit, then the producer flushes, then Kafka.
   */
  @Override
  public void close() {
    log.info("Stopping fleetpulse");
    if (notifiers != null) {
      try {
        notifiers.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
    if (streams != null) {
      streams.close();
    }
    if (publisher != null) {
      publisher.close();
    }
    if (broker != null) {
      broker.close();
    }
    log.info("fleetpulse stopped");
  }
}
