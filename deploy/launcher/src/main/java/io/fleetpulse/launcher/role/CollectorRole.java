package io.fleetpulse.launcher.role;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.JournalPublisher;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.collector.push.PushServer;
import io.fleetpulse.collector.push.PushSettings;
import io.fleetpulse.launcher.config.BindPolicy;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The collector: the push endpoint and the Kafka producer behind it. */
public final class CollectorRole implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CollectorRole.class);

  private final FleetpulseConfig config;
  private RoleContext context;
  private JournalPublisher publisher;
  private PushServer pushServer;
  private String deploymentId;

  /** Checks the collector's configuration; nothing is started yet. */
  public CollectorRole(FleetpulseConfig config) {
    FleetpulseConfig.Collector collector = config.collector();
    BindPolicy.requireLoopbackUnlessAuthenticated("collector", collector.host(),
        collector.behindAuthenticatingProxy() ? "an authenticating reverse proxy (collector.behindAuthenticatingProxy)" : null,
        "put a TLS-terminating reverse proxy with device authentication in front and set collector.behindAuthenticatingProxy=true "
            + "(built-in device auth is planned)");
    this.config = config;
  }

  /** Returns once the push endpoint listens. */
  public CollectorRole start(RoleContext context) {
    this.context = context;
    log.info("Starting collector on {}:{}", config.collector().host(), config.collector().port());
    FleetpulseConfig.Limits limits = config.collector().limits();
    publisher = new JournalPublisher(context.vertx(), new PublisherSettings(context.bootstrap(),
        Duration.ofSeconds(config.kafka().deliveryTimeoutSeconds()), Map.of()));
    pushServer = new PushServer(new PushSettings(config.collector().host(), config.collector().port(),
        new JournalLimits(limits.maxFieldBytes(), limits.maxEntryBytes(), limits.maxFieldsPerEntry(), limits.maxRequestBytes())),
        publisher);
    deploymentId = context.vertx().deployVerticle(pushServer).await();
    return this;
  }

  public int port() {
    return pushServer.port();
  }

  /** Stops taking pushes, then flushes the producer, so every push answered 202 is in Kafka. */
  @Override
  public void close() {
    if (deploymentId != null) {
      context.vertx().undeploy(deploymentId).await();
    }
    if (publisher != null) {
      publisher.close();
    }
  }
}
