package io.fleetpulse.api.pipeline;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.Severity;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stalled pipeline as an alert through the normal notifiers (chat, webhooks, Alertmanager): FIRING on
 * {@code fleet.alerts} when the watchdog first finds a partition stalled, RESOLVED when it advances again.
 * Every api instance runs a watchdog, but only one publishes: the one the streams made owner of the first
 * journal partition ({@code publishes}), so a stall is announced once, not once per instance.
 *
 * <p>The alert carries kind {@code OTHER} with subject {@code PIPELINE_STALLED <topic>-<partition>}: a kind
 * of its own needs a new {@code Alert} schema, which the api instances write and read themselves, so it
 * ships in two releases (docs/operations.md, schema evolution). Its fleet is {@value #FLEET}; it names no device.
 */
public final class PipelineAlerts implements Consumer<List<StalledPartition>>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PipelineAlerts.class);
  static final String FLEET = "fleetpulse";
  static final String SUBJECT = "PIPELINE_STALLED";

  private final String topic;
  private final BooleanSupplier publishes;
  private final Clock clock;
  private final KafkaProducer<String, Alert> producer;
  private final Map<TopicPartition, Alert> firing = new HashMap<>();

  /**
   * @param topic where the alerts go ({@code fleet.alerts})
   * @param publishes whether this instance is the one that announces (asked every round: ownership moves)
   */
  public PipelineAlerts(String bootstrap, String topic, BooleanSupplier publishes, Clock clock) {
    this.topic = topic;
    this.publishes = publishes;
    this.clock = clock;
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.CLIENT_ID_CONFIG, "fleetpulse-pipeline-alerts",
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), FleetSerdes.alert().serializer());
  }

  /** After each watchdog round: announces new stalls (if this instance publishes) and the end of those it announced. */
  @Override
  public void accept(List<StalledPartition> stalled) {
    Instant now = clock.instant();
    Set<TopicPartition> stalledNow = new HashSet<>();
    boolean announcer = publishes.getAsBoolean();
    for (StalledPartition partition : stalled) {
      TopicPartition where = partition.offsets().partition();
      stalledNow.add(where);
      if (announcer && !firing.containsKey(where)) {
        Alert alert = firingAlert(partition, now.minus(partition.stalledFor()));
        firing.put(where, alert);
        send(alert);
      }
    }
    for (TopicPartition where : List.copyOf(firing.keySet())) {
      if (!stalledNow.contains(where)) {
        Alert resolved = Alert.newBuilder(firing.remove(where)).setState(AlertState.RESOLVED).setResolvedAt(now).build();
        send(resolved);
      }
    }
  }

  private static Alert firingAlert(StalledPartition partition, Instant since) {
    TopicPartition where = partition.offsets().partition();
    return Alert.newBuilder()
        .setId("pipeline-stalled/" + where + "/" + since.toEpochMilli())
        .setDeviceUuid(null)
        .setFleet(FLEET)
        .setKind(AlertKind.OTHER)
        .setSeverity(Severity.critical)
        .setState(AlertState.FIRING)
        .setSubject(SUBJECT + " " + where)
        .setSummary("Pipeline stalled: " + partition.describe() + "; devices on that partition get no events or alerts meanwhile")
        .setHint("See GET /api/v1/pipeline and /readyz. The watchdog aborts the transaction holding it unless "
            + "pipeline.abortHanging=false; then POST /api/v1/pipeline/stalled/abort (admin token) or ./fleetpulse doctor --abort-hanging")
        .setStartedAt(since)
        .setEvidence(List.of(partition.describe()))
        .build();
  }

  private void send(Alert alert) {
    producer.send(new ProducerRecord<>(topic, "pipeline", alert), (metadata, error) -> {
      if (error != null) {
        log.warn("Could not publish the {} alert {}: {}", alert.getState(), alert.getId(), error.toString());
      } else {
        log.info("Published the {} alert {}", alert.getState(), alert.getId());
      }
    });
  }

  @Override
  public void close() {
    producer.close();
  }
}
