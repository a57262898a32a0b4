package io.fleetpulse.streams;

import io.fleetpulse.streams.rules.RulesInForce;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running topology: one Kafka Streams instance with exactly-once processing. */
public final class FleetStreams implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FleetStreams.class);

  /** Events should reach the REST API within a couple of seconds of the push. */
  public static final int COMMIT_INTERVAL_MS = 200;
  /** Half the launcher's stop deadline: the rest of a stop (API, collector, broker) needs the other half. */
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(15);

  private final KafkaStreams streams;

  /** @param metrics where the topology's own meters go ({@code fleetpulse_events_total}) */
  public FleetStreams(StreamsSettings settings, MeterRegistry metrics) {
    this(settings, metrics, RulesInForce.none());
  }

  /** @param rules the users' rules, replaced as their file changes ({@code RulesFileWatcher}) */
  public FleetStreams(StreamsSettings settings, MeterRegistry metrics, RulesInForce rules) {
    Properties config = properties(settings);
    this.streams = new KafkaStreams(FleetTopology.build(settings, config, metrics, rules), config);
    streams.setStateListener((now, before) -> log.info("Streams {} -> {}", before, now));
    streams.setGlobalStateRestoreListener(new RestoreProgress(metrics));
    streams.setUncaughtExceptionHandler(error -> {
      log.error("Stream thread failed; replacing it", error);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
  }

  /** The Kafka Streams configuration fleetpulse runs with. */
  public static Properties properties(StreamsSettings settings) {
    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    config.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, settings.replication());
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
    config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // Kafka Streams 4.4 formats a trace message for every empty input partition before every record it
    // processes (whether trace logging is on or not) unless task idling is disabled: with fourteen input
    // topics, most of them quiet at any moment, that was a third of the stream threads' CPU. Idling buys
    // cross-topic order only while a task catches up, and the topology does not rely on it: a late entry
    // joins the picture of its own time (DeviceAlertsProcessor, DeviceClocks), and entries received
    // together carry one timestamp, which no idling setting orders anyway.
    config.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    // Transactional state stores (KIP-892): under exactly-once, Kafka Streams 4.4 otherwise takes a store that
    // was never written (its segmented window store keeps no committed offset then) in a task whose other
    // stores hold data for corrupt, even after a clean stop, and wipes and restores the whole task
    // (AllInOneTest). With them, stores stage a transaction's writes and commit them with it, and an
    // interrupted transaction is replayed instead of the task being wiped. REST reads committed state only.
    config.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true);
    config.put(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG, "READ_COMMITTED");
    config.putAll(settings.overrides());
    Properties props = new Properties();
    props.putAll(config);
    return props;
  }

  public void start() {
    streams.start();
  }

  public KafkaStreams kafkaStreams() {
    return streams;
  }

  public boolean isRunning() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  /**
   * Leaves the consumer group on the way out, so a restarted instance gets its partitions at once
   * instead of waiting out the old member's session timeout.
   */
  @Override
  public void close() {
    streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(CLOSE_TIMEOUT));
  }
}
