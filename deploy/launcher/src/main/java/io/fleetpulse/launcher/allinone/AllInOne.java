package io.fleetpulse.launcher.allinone;

import io.fleetpulse.api.health.Readiness;
import io.fleetpulse.api.metrics.MetricsRegistry;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.launcher.config.DataDirLock;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.fleetpulse.launcher.role.ApiRole;
import io.fleetpulse.launcher.role.CollectorRole;
import io.fleetpulse.launcher.role.RoleContext;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./fleetpulse run}: the embedded broker, the collector, the streams and the API in one JVM.
 * Everything persistent lives under the data directory, so a restart continues where it stopped.
 * The roles are the same ones {@code fleetpulse collector} and {@code fleetpulse api} run on their own.
 */
public final class AllInOne implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AllInOne.class);

  private final FleetpulseConfig config;
  private final PrometheusMeterRegistry metrics = MetricsRegistry.create();
  private final Vertx vertx = MetricsRegistry.vertx(metrics);
  private final CollectorRole collector;
  private final ApiRole api;
  private EmbeddedKafkaBroker broker;
  private DataDirLock lock;

  public AllInOne(FleetpulseConfig config) {
    this.config = config;
    try {
      this.collector = new CollectorRole(config);
      this.api = new ApiRole(config, System.getenv());
    } catch (RuntimeException invalid) {
      vertx.close().await();
      throw invalid;
    }
  }

  /** Starts every part and returns once the API and collector listen; readiness follows on /readyz. */
  public AllInOne start() throws InterruptedException {
    Instant begin = Instant.now();
    Path dataDir = Path.of(config.dataDir());
    lock = DataDirLock.acquire(dataDir, "run", List.of("broker", "collector", "api"));

    log.info("[1/3] Starting embedded Kafka (data in {})", dataDir.resolve("kafka").toAbsolutePath());
    broker = new EmbeddedKafkaBroker(new EmbeddedKafkaBroker.Settings(dataDir.resolve("kafka"), "127.0.0.1",
        config.embedded().port(), config.embedded().controllerPort(), Map.of())).start();
    RoleContext context = new RoleContext(broker.bootstrapServers(), vertx, metrics);
    context.provisionTopics(config.kafka());

    log.info("[2/3] Starting the collector");
    collector.start(context);
    log.info("[3/3] Starting the api role (streams, API, notifiers)");
    api.start(context, new Readiness().require("kafka", broker::isRunning));

    log.info("fleetpulse started in {} ms: push to http://{}:{}/devices/<uuid>/entries, query http://{}:{}/api/v1/devices/<uuid>/events",
        Duration.between(begin, Instant.now()).toMillis(),
        config.collector().host(), collector.port(), config.api().host(), api.port());
    return this;
  }

  public int collectorPort() {
    return collector.port();
  }

  public int apiPort() {
    return api.port();
  }

  public boolean isReady() {
    return api.isRunning();
  }

  /** Stops in reverse order: no new pushes (the producer flushes), the api role (notifiers, API, streams commit), then Kafka. */
  @Override
  public void close() {
    log.info("Stopping fleetpulse");
    collector.close();
    api.close();
    vertx.close().await();
    if (broker != null) {
      broker.close();
    }
    if (lock != null) {
      lock.close();
    }
    log.info("fleetpulse stopped");
  }
}
