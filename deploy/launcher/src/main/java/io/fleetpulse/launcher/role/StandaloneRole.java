package io.fleetpulse.launcher.role;

import io.fleetpulse.api.ApiSettings;
import io.fleetpulse.api.auth.BearerAuth;
import io.fleetpulse.api.health.Readiness;
import io.fleetpulse.api.metrics.MetricsRegistry;
import io.fleetpulse.launcher.config.ApiSection;
import io.fleetpulse.launcher.config.ConfigException;
import io.fleetpulse.launcher.config.DataDirLock;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One role in a process of its own, against an external Kafka cluster ({@code fleetpulse collector} and
 * {@code fleetpulse api}): how fleetpulse scales beyond one machine, by partitions and instances.
 */
public final class StandaloneRole implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StandaloneRole.class);

  /** Which role this process runs. */
  public enum Kind { COLLECTOR, API }

  private final Kind kind;
  private final FleetpulseConfig config;
  private final RoleContext context;
  private final CollectorRole collector;
  private final ApiRole api;
  private AutoCloseable running;
  private OpsServer ops;
  private DataDirLock lock;

  /** Checks the configuration of the role (external Kafka, bind policy, tokens); nothing is started yet. */
  public StandaloneRole(Kind kind, FleetpulseConfig config) {
    if (config.kafka().bootstrap().isBlank()) {
      throw new ConfigException("The " + kind.name().toLowerCase(java.util.Locale.ROOT) + " role needs an external Kafka: set "
          + "kafka.bootstrap (FLEETPULSE_KAFKA_BOOTSTRAP or --bootstrap-servers), e.g. kafka-0:9092,kafka-1:9092");
    }
    PrometheusMeterRegistry metrics = MetricsRegistry.create();
    this.kind = kind;
    this.config = config;
    this.context = new RoleContext(config.kafka().bootstrap(), MetricsRegistry.vertx(metrics), metrics);
    try {
      this.collector = kind == Kind.COLLECTOR ? new CollectorRole(config) : null;
      this.api = kind == Kind.API ? new ApiRole(config, System.getenv()) : null;
    } catch (RuntimeException invalid) {
      context.vertx().close().await();
      throw invalid;
    }
  }

  /** Creates missing topics, then starts the role; returns once it listens. */
  public StandaloneRole start() throws InterruptedException {
    String part = kind.name().toLowerCase(Locale.ROOT);
    lock = DataDirLock.acquire(Path.of(config.dataDir()), part, List.of(part));
    log.info("Starting the {} role against Kafka at {}", kind, context.bootstrap());
    context.provisionTopics(config.kafka());
    FleetpulseConfig.Collector settings = config.collector();
    if (kind == Kind.COLLECTOR) {
      running = collector.start(context);
      ApiSettings api = ApiSection.settings(config.api(), 0);
      ops = new OpsServer(settings.host(), settings.opsPort(), context.metrics(), BearerAuth.scrapers(api.tokens(), api.metricsToken()));
      context.vertx().deployVerticle(ops).await();
      if (settings.push()) {
        log.info("Collector started: push to http://{}:{}/devices/<uuid>/entries, health and metrics on port {}",
            settings.host(), collector.port(), ops.port());
      } else {
        log.info("Collector started without push endpoints (SSH tailing only), health and metrics on {}:{}",
            settings.host(), ops.port());
      }
    } else {
      running = api.start(context, new Readiness());
      log.info("API started on port {}", api.port());
    }
    return this;
  }

  /** The push port (collector) or the API port (api). */
  public int port() {
    return kind == Kind.COLLECTOR ? collector.port() : api.port();
  }

  /** The collector's /healthz and /metrics port. */
  public int opsPort() {
    return ops.port();
  }

  @Override
  public void close() {
    log.info("Stopping the {} role", kind);
    if (running != null) {
      try {
        running.close();
      } catch (Exception e) {
        log.warn("Stopping the {} role failed", kind, e);
      }
    }
    context.vertx().close().await();
    if (lock != null) {
      lock.close();
    }
  }
}
