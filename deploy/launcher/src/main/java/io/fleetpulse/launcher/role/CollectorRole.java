package io.fleetpulse.launcher.role;

import io.fleetpulse.collector.dedup.SequenceMarkStore;
import io.fleetpulse.collector.inventory.InventoryException;
import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.ReportPublisher;
import io.fleetpulse.collector.publish.JournalPublisher;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.collector.push.ConnectionLimits;
import io.fleetpulse.collector.push.PushServer;
import io.fleetpulse.collector.push.PushSettings;
import io.fleetpulse.collector.push.PushTls;
import io.fleetpulse.collector.ratelimit.RateLimitSettings;
import io.fleetpulse.collector.ssh.SshTailer;
import io.fleetpulse.launcher.config.BindPolicy;
import io.fleetpulse.launcher.config.ConfigException;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.fleetpulse.launcher.config.InstanceId;
import io.fleetpulse.launcher.config.SshCollectorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector: the push endpoints and the Kafka producers behind them (entries with their dedup marks, disk samples)
 * unless {@code collector.push} is off, and the SSH tailer when a device inventory is configured.
 */
public final class CollectorRole implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CollectorRole.class);

  private final FleetpulseConfig config;
  private RoleContext context;
  private JournalPublisher publisher;
  private ReportPublisher reportPublisher;
  private SequenceMarkStore markStore;
  private PushServer pushServer;
  private SshTailer sshTailer;
  private String deploymentId;

  /** Checks the collector's configuration; nothing is started yet. */
  public CollectorRole(FleetpulseConfig config) {
    FleetpulseConfig.Collector collector = config.collector();
    if (!collector.push() && collector.ssh().inventory().isBlank()) {
      throw new ConfigException("collector.push is false and collector.ssh.inventory is empty: this collector would "
          + "collect nothing. Enable push, or name an SSH device inventory.");
    }
    requireCompleteDeviceAuthentication(collector);
    inFlightBytes(collector.limits()); // a bad budget is refused now, not when the collector starts
    // Without push, the host only serves /healthz and /metrics of the standalone role: no device data comes in.
    BindPolicy.requireLoopbackUnlessAuthenticated("collector", collector.host(), collector.push() ? deviceAuthentication(collector) : "no push endpoint (collector.push=false)",
        "configure device authentication on every push endpoint: mTLS (collector.tls.certFile, keyFile and clientCaFile: "
            + "every device proves its uuid with its certificate), or device tokens over HTTPS (collector.deviceTokensFile "
            + "with collector.tls.certFile and keyFile), or put a TLS-terminating reverse proxy with device authentication "
            + "in front and set collector.behindAuthenticatingProxy=true");
    this.config = config;
  }

  /**
   * Half a device-authentication setting would leave pushes open that the operator believes closed (a client
   * CA without a server certificate is no mTLS at all): refused, naming what is missing.
   */
  private static void requireCompleteDeviceAuthentication(FleetpulseConfig.Collector collector) {
    FleetpulseConfig.Tls tls = collector.tls();
    if (!tls.certFile().isEmpty() != !tls.keyFile().isEmpty()) {
      throw new ConfigException("collector.tls.certFile and collector.tls.keyFile go together: set both (HTTPS) or neither");
    }
    if (!tls.clientCaFile().isEmpty() && !tls.enabled()) {
      throw new ConfigException("collector.tls.clientCaFile is set but collector.tls.certFile is not: device certificates "
          + "are only asked for over HTTPS, so every push would be accepted unauthenticated. Set collector.tls.certFile "
          + "and keyFile, or remove clientCaFile.");
    }
  }

  private static String deviceAuthentication(FleetpulseConfig.Collector collector) {
    if (collector.tls().mutual()) {
      return "device certificates (mTLS)";
    }
    // Tokens in clear text could be read off the network and replayed: beyond loopback only over HTTPS.
    if (!collector.deviceTokensFile().isEmpty() && collector.tls().enabled()) {
      return "device tokens over HTTPS";
    }
    return collector.behindAuthenticatingProxy() ? "an authenticating reverse proxy (collector.behindAuthenticatingProxy)" : null;
  }

  /** Returns once the push endpoint listens (when push is on) and the SSH tailer has started (when configured). */
  public CollectorRole start(RoleContext context) {
    this.context = context;
    FleetpulseConfig.Collector collector = config.collector();
    if (collector.push()) {
      startPush(context, collector);
    }
    if (!collector.ssh().inventory().isBlank()) {
      try {
        sshTailer = new SshTailer(SshCollectorConfig.settings(config, context.bootstrap()), context.metrics()).start();
      } catch (InventoryException e) {
        throw new ConfigException(e.getMessage(), e);
      }
    }
    return this;
  }

  private void startPush(RoleContext context, FleetpulseConfig.Collector collector) {
    log.info("Starting collector on {}:{}", collector.host(), collector.port());
    PublisherSettings producers = new PublisherSettings(context.bootstrap(),
        Duration.ofSeconds(config.kafka().deliveryTimeoutSeconds()), Map.of());
    String instanceId = InstanceId.resolve(collector.instanceId(), "collector.instanceId",
        Path.of(config.dataDir()).resolve("collector-instance-id"));
    log.info("Push collector instance {}: Kafka transactional ids {} … {}", instanceId,
        JournalPublisher.transactionalId(instanceId, 0), JournalPublisher.transactionalId(instanceId, JournalPublisher.WRITERS - 1));
    publisher = new JournalPublisher(context.vertx(), producers, instanceId);
    publisher.bindMetrics(context.metrics());
    reportPublisher = new ReportPublisher(context.vertx(), producers);
    markStore = new SequenceMarkStore(producers);
    FleetpulseConfig.Limits limits = collector.limits();
    FleetpulseConfig.RateLimits rates = collector.rateLimits();
    pushServer = new PushServer(new PushSettings(collector.host(), collector.port(),
        new JournalLimits(limits.maxFieldBytes(), limits.maxEntryBytes(), limits.maxFieldsPerEntry(), limits.maxRequestBytes()),
        new RateLimitSettings(rates.entriesPerSecond(), rates.bytesPerSecond(), rates.requestsPerSecond(), rates.burstSeconds()),
        pushTls(collector.tls()),
        Optional.of(collector.deviceTokensFile()).filter(file -> !file.isEmpty()).map(Path::of), connectionLimits(collector),
        inFlightBytes(limits)),
        publisher, markStore, reportPublisher, context.metrics());
    deploymentId = context.vertx().deployVerticle(pushServer).await();
  }

  private static long inFlightBytes(FleetpulseConfig.Limits limits) {
    if (limits.inFlightBytes() != 0 && limits.inFlightBytes() < PushSettings.MIN_IN_FLIGHT_BYTES) {
      throw new ConfigException("collector.limits.inFlightBytes must be 0 (no budget) or at least " + PushSettings.MIN_IN_FLIGHT_BYTES
          + " (a few pushes' batches), not " + limits.inFlightBytes());
    }
    return limits.inFlightBytes();
  }

  private static ConnectionLimits connectionLimits(FleetpulseConfig.Collector collector) {
    FleetpulseConfig.Timeouts timeouts = collector.timeouts();
    try {
      FleetpulseConfig.Limits limits = collector.limits();
      return new ConnectionLimits(Duration.ofSeconds(timeouts.idleSeconds()), Duration.ofSeconds(timeouts.bodyIdleSeconds()),
          Duration.ofSeconds(timeouts.requestSeconds()),
          limits.maxConnections() == 0 ? ConnectionLimits.affordableConnections() : limits.maxConnections(),
          limits.maxConnectionsPerAddress(), limits.newConnectionsPerSecondPerAddress());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("collector.timeouts.*: " + e.getMessage(), e);
    }
  }

  private static Optional<PushTls> pushTls(FleetpulseConfig.Tls tls) {
    return tls.enabled() ? Optional.of(new PushTls(tls.certFile(), tls.keyFile(), tls.clientCaFile())) : Optional.empty();
  }

  /** The push port, or -1 when push is off. */
  public int port() {
    return pushServer == null ? -1 : pushServer.port();
  }

  /** Stops tailing and taking pushes, then flushes the producers, so every push answered 202 is in Kafka. */
  @Override
  public void close() {
    if (sshTailer != null) {
      sshTailer.close();
    }
    if (deploymentId != null) {
      context.vertx().undeploy(deploymentId).await();
    }
    for (AutoCloseable producer : new AutoCloseable[] {publisher, reportPublisher}) {
      if (producer != null) {
        try {
          producer.close();
        } catch (Exception e) {
          log.warn("Closing a collector producer failed: {}", e.toString());
        }
      }
    }
  }
}
