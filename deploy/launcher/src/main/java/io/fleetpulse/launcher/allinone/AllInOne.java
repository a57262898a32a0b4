package io.fleetpulse.launcher.allinone;

import io.fleetpulse.api.ApiServer;
import io.fleetpulse.api.ApiSettings;
import io.fleetpulse.api.health.Readiness;
import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.JournalPublisher;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.collector.push.PushServer;
import io.fleetpulse.collector.push.PushSettings;
import io.fleetpulse.collector.ssh.SshTailer;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.collector.inventory.InventoryException;
import io.fleetpulse.launcher.config.BindPolicy;
import io.fleetpulse.launcher.config.ConfigException;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.fleetpulse.schemas.TopicProvisioner;
import io.fleetpulse.streams.FleetStreams;
import io.fleetpulse.streams.StreamsSettings;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./fleetpulse run}: the embedded broker, the collector, the streams and the API in one JVM.
 * Everything persistent lives under the data directory, so a restart continues where it stopped.
 */
public final class AllInOne implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AllInOne.class);

  private final FleetpulseConfig config;
  private EmbeddedKafkaBroker broker;
  private Vertx vertx;
  private JournalPublisher publisher;
  private FleetStreams streams;
  private PushServer pushServer;
  private ApiServer apiServer;
  private SshTailer sshTailer;

  public AllInOne(FleetpulseConfig config) {
    BindPolicy.requireLoopback("collector", config.collector().host());
    BindPolicy.requireLoopback("API", config.api().host());
    this.config = config;
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
        config.kafka().replication(), Duration.ofDays(config.streams().eventRetentionDays()), Map.of()));
    streams.start();

    vertx = Vertx.vertx();
    log.info("[3/4] Starting collector on {}:{}", config.collector().host(), config.collector().port());
    FleetpulseConfig.Limits limits = config.collector().limits();
    publisher = new JournalPublisher(vertx, new PublisherSettings(bootstrap,
        Duration.ofSeconds(config.kafka().deliveryTimeoutSeconds()), Map.of()));
    pushServer = new PushServer(new PushSettings(config.collector().host(), config.collector().port(),
        new JournalLimits(limits.maxFieldBytes(), limits.maxEntryBytes(), limits.maxFieldsPerEntry(), limits.maxRequestBytes())),
        publisher);
    vertx.deployVerticle(pushServer).await();
    if (!config.collector().ssh().inventory().isBlank()) {
      try {
        sshTailer = new SshTailer(SshCollectorConfig.settings(config, bootstrap), Metrics.globalRegistry).start();
      } catch (InventoryException e) {
        throw new ConfigException(e.getMessage(), e);
      }
    }

    log.info("[4/4] Starting API on {}:{}", config.api().host(), config.api().port());
    Readiness readiness = new Readiness()
        .require("kafka", broker::isRunning)
        .require("streams", streams::isRunning);
    apiServer = new ApiServer(new ApiSettings(config.api().host(), config.api().port()), streams.kafkaStreams(), readiness);
    vertx.deployVerticle(apiServer).await();

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

  /** Stops in reverse order: no new requests, then streams commit, then the producer flushes, then Kafka. */
  @Override
  public void close() {
    log.info("Stopping fleetpulse");
    if (sshTailer != null) {
      sshTailer.close();
    }
    if (vertx != null) {
      vertx.close().await();
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
