package io.fleetpulse.launcher.role;

import io.fleetpulse.api.ApiServer;
import io.fleetpulse.api.ApiSettings;
import io.fleetpulse.api.health.Readiness;
import io.fleetpulse.api.metrics.MetricsRegistry;
import io.fleetpulse.api.notify.Notifiers;
import io.fleetpulse.api.notify.NotifyRoute;
import io.fleetpulse.api.notify.NotifySettings;
import io.fleetpulse.api.pipeline.PipelineAlerts;
import io.fleetpulse.api.pipeline.PipelineWatchdog;
import io.fleetpulse.api.silence.SilenceBook;
import io.fleetpulse.launcher.config.ApiSection;
import io.fleetpulse.launcher.config.BindPolicy;
import io.fleetpulse.launcher.config.ConfigException;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.fleetpulse.launcher.config.InstanceId;
import io.fleetpulse.launcher.config.NotifyRoutes;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.FleetStreams;
import io.fleetpulse.streams.StreamsSettings;
import io.fleetpulse.streams.journal.JournalRetention;
import io.fleetpulse.streams.rules.RuleError;
import io.fleetpulse.streams.rules.RulesFileWatcher;
import io.fleetpulse.streams.rules.RulesInForce;
import io.fleetpulse.streams.rules.RulesRefusedException;
import io.fleetpulse.streams.rules.RulesTopic;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The api role: the streams topology (whose state stores it queries), the REST API in front of it, and
 * the alert notifiers. Several instances share the work by partitions and forward each device query to
 * the instance that owns the device, found through Kafka Streams' {@code application.server}.
 */
public final class ApiRole implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ApiRole.class);
  /** The streams' consumer session: how long a killed instance keeps its partitions before they move. */
  private static final int SESSION_TIMEOUT_MS = 15_000;
  /** The longest a stream thread goes between polls: half of it processing, at most, while a rebalance waits. */
  private static final int MAX_POLL_INTERVAL_MS = 60_000;

  private final FleetpulseConfig config;
  private final ApiSettings apiSettings;
  private final List<NotifyRoute> routes;
  private RoleContext context;
  private FleetStreams streams;
  private KafkaStreamsMetrics streamsMetrics;
  private ApiServer apiServer;
  private String deploymentId;
  private Notifiers notifiers;
  private SilenceBook silences;
  private static final Duration SILENCES_LOADED = Duration.ofSeconds(30);
  private PipelineWatchdog watchdog;
  private PipelineAlerts pipelineAlerts;
  private final RulesInForce rules = RulesInForce.none();
  /** Null when no rules file is configured. */
  private final RulesFileWatcher rulesFile;
  private RulesTopic rulesTopic;

  /**
   * Checks the API's configuration (bind policy, tokens, notifier routes); nothing is started yet.
   *
   * @param env the process environment, where notifier routes find their {@code ${NAME}} values
   */
  public ApiRole(FleetpulseConfig config, Map<String, String> env) {
    FleetpulseConfig.Api api = config.api();
    this.apiSettings = ApiSection.settings(api, api.port() == 0 ? FreePort.find() : api.port());
    BindPolicy.requireLoopbackUnlessAuthenticated("API", api.host(),
        apiSettings.tokens().isEmpty() ? null : "bearer tokens", "configure api.tokens (./fleetpulse token makes one)");
    this.routes = NotifyRoutes.of(config.notifications().routes(), env);
    this.config = config;
    this.rulesFile = config.streams().rules().isEmpty() ? null : rulesFile(Path.of(config.streams().rules()), rules);
  }

  /**
   * Starts the streams, then the API, then the notifiers; returns once the API listens.
   *
   * @param readiness what else must be up before /readyz answers 200 (the streams are added here)
   */
  public ApiRole start(RoleContext context, Readiness readiness) {
    this.context = context;
    Path stateDir = Path.of(config.dataDir()).resolve("streams");
    String instanceId = InstanceId.resolve(config.streams().instanceId(), "streams.instanceId",
        Path.of(config.dataDir()).resolve("streams-instance-id"));
    log.info("Starting streams (state in {})", stateDir.toAbsolutePath());
    // Every instance follows the rules topic, so all run the version last changed on any of them.
    rulesTopic = new RulesTopic(context.bootstrap(), "fleetpulse-api-" + instanceId, rules).start(rulesFile == null ? null : rulesFile.first());
    if (rulesFile != null) {
      rulesFile.onChange(rulesTopic::publish).start(context.metrics());
    }
    streams = new FleetStreams(new StreamsSettings(context.bootstrap(), config.streams().applicationId(), stateDir,
        config.kafka().replication(), Duration.ofDays(config.streams().eventRetentionDays()),
        Duration.ofDays(config.streams().healthHistoryDays()), config.streams().detection().settings(),
        new JournalRetention(config.streams().journalLines(), Duration.ofHours(config.streams().journalHours())),
        Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, apiSettings.advertised().host() + ":" + apiSettings.advertised().port(),
            StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.streams().standbyReplicas(),
            StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.streams().commitIntervalMs(),
            // Static membership: a restarted instance rejoins as itself and gets its tasks back at once; without it
            // the group first waits out the dead member's session (45 s by default) after every kill -9.
            StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "fleetpulse-api-" + instanceId,
            // An instance that does not come back is noticed within this long, and its partitions move. Measured after
            // kill -9 of one of two instances on three brokers, the dead one's devices were detected again 8.0-9.0 s
            // after with a 6 s session, 15.9 s with 15 s; but on a loaded 2-core machine 6 s evicted live instances
            // (11.5 s to handle a JoinGroup answer) and every eviction is one more rebalance.
            StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION_TIMEOUT_MS,
            StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), SESSION_TIMEOUT_MS / 3,
            // A stream thread with records buffered processes for up to half of this before it polls again, and only
            // a poll joins a rebalance: with the default 300 s an instance restarted under load waited 24-90 s for
            // the other to rejoin (its readiness past 180 s in the cluster crash run); this is also how long the group
            // waits for a member that does not rejoin.
            StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), MAX_POLL_INTERVAL_MS)),
        context.metrics(), rules);
    streamsMetrics = MetricsRegistry.bindStreams(context.metrics(), streams.kafkaStreams());
    streams.start();

    FleetpulseConfig.Pipeline pipeline = config.pipeline();
    String applicationId = config.streams().applicationId();
    watchdog = new PipelineWatchdog(new PipelineWatchdog.Settings(context.bootstrap(), applicationId,
        PipelineWatchdog.topicPrefixes(applicationId), Duration.ofSeconds(pipeline.checkIntervalSeconds()),
        pipeline.stallAfter(config.kafka()), pipeline.abortHanging(), Duration.ofSeconds(pipeline.maxProcessingDelaySeconds())),
        context.metrics()).start();
    pipelineAlerts = new PipelineAlerts(context.bootstrap(), Topics.ALERTS, () -> announcesForTheFleet(streams), Clock.systemUTC());
    watchdog.onCheck(pipelineAlerts);

    silences = new SilenceBook(context.bootstrap(), Clock.systemUTC()).start();
    log.info("Starting API on {}:{}", config.api().host(), apiSettings.port());
    apiServer = new ApiServer(apiSettings, streams.kafkaStreams(),
        readiness.require("streams", streams::isRunning).degradedWhen("pipeline", watchdog::stalledProblems)
            .degradedWhen("processing", watchdog::delayProblems), watchdog, silences, context.metrics(),
        () -> rulesFile == null ? new RulesFileWatcher.Status(rules.current(), null) : rulesFile.status());
    deploymentId = context.vertx().deployVerticle(apiServer).await();

    FleetpulseConfig.Notifications notify = config.notifications();
    String publicUrl = notify.publicUrl().isEmpty() ? "http://" + config.api().host() + ":" + apiServer.port() : notify.publicUrl();
    // Dead letters are redelivered by the instance that announces fleet-wide conditions: one at a time.
    notifiers = new Notifiers(new NotifySettings(context.bootstrap(), publicUrl, routes, notify.retry(),
        Duration.ofSeconds(notify.resendIntervalSeconds()), Duration.ofMinutes(notify.incidentUpdateMinutes())), context.metrics(), Duration.ofSeconds(notify.redeliverEverySeconds()),
        Duration.ofHours(notify.redeliverForHours()), () -> announcesForTheFleet(streams)).muting(silences::mutes);
    awaitSilences();
    notifiers.start();
    return this;
  }

  public int port() {
    return apiServer.port();
  }

  /** The rules file read before anything starts: a file with errors refuses the start, naming each. */
  private static RulesFileWatcher rulesFile(Path file, RulesInForce rules) {
    try {
      return new RulesFileWatcher(file, rules);
    } catch (RulesRefusedException e) {
      throw new ConfigException("streams.rules: " + file + " is refused:\n  " + String.join("\n  ",
          e.errors().stream().map(RuleError::toString).toList()) + "\nFix it (./fleetpulse rules check " + file + ") and start again.");
    } catch (IOException e) {
      throw new ConfigException("streams.rules: cannot read " + file + " (" + e + "). Give the path of a rules file, or leave it empty "
          + "for none.", e);
    }
  }

  /** Notifiers that started before the silences were read would send what an operator silenced. */
  private void awaitSilences() {
    try {
      if (!silences.awaitLoaded(SILENCES_LOADED)) {
        log.warn("The silences and acknowledgements of {} are not read after {}: alerts may be sent that they cover until they are",
            Topics.SILENCES, SILENCES_LOADED);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether this instance announces fleet-wide conditions (the stalled pipeline): the one the streams made
   * owner of the first partition of the first journal topic, so exactly one instance does at a time.
   */
  private static boolean announcesForTheFleet(FleetStreams streams) {
    TopicPartition first = new TopicPartition(Topics.journalTopics().get(0), 0);
    return streams.kafkaStreams().metadataForLocalThreads().stream().flatMap(thread -> thread.activeTasks().stream())
        .anyMatch(task -> task.topicPartitions().contains(first));
  }

  public boolean isRunning() {
    return streams != null && streams.isRunning();
  }

  /** Notifiers first (an alert mid-retry stays uncommitted), then no new requests, then the streams commit. */
  @Override
  public void close() {
    if (notifiers != null) {
      try {
        notifiers.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (deploymentId != null) {
      context.vertx().undeploy(deploymentId).await();
    }
    if (silences != null) {
      try {
        silences.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (watchdog != null) {
      watchdog.close();
    }
    if (pipelineAlerts != null) {
      pipelineAlerts.close();
    }
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
    if (streams != null) {
      streams.close();
    }
    if (rulesFile != null) {
      rulesFile.close();
    }
    if (rulesTopic != null) {
      rulesTopic.close();
    }
  }
}
