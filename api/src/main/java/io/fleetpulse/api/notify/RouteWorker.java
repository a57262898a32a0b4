package io.fleetpulse.api.notify;

import io.fleetpulse.api.alerts.AlertJson;
import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers {@code fleet.alerts} to one route: its own consumer group, its offset committed right after
 * each alert was delivered or dead-lettered, so a receiver that is down gets every alert when it comes
 * back, a restart sends again at most the one alert whose delivery it interrupted (webhooks carry an
 * {@value WebhookHeaders#IDEMPOTENCY_KEY} to drop it by), and a dead Slack never delays Alertmanager.
 */
final class RouteWorker implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(RouteWorker.class);
  /** A chat channel is not told about alerts older than this (a new route, or a long outage). */
  private static final Duration MAX_CHAT_BACKLOG = Duration.ofHours(24);

  private final NotifyRoute route;
  private final NotifySettings settings;
  private final KafkaProducer<String, Alert> deadLetters;
  private final CountDownLatch stopping;
  private final WebhookSender sender;
  private final ChatPoster chat;
  /** Slack bot routes: where each firing fleet incident's message is (its ts), to edit it as the incident grows. */
  private final Map<String, String> incidentMessages = new HashMap<>();
  private final IncidentFolding folding = new IncidentFolding();
  private final RootCauseFolding rootCauses = new RootCauseFolding();
  private final ChatFormat chatFormat;
  private final AlertmanagerFormat alertmanagerFormat;
  /** Alertmanager only: the firing alerts, re-sent every resend interval. */
  private final Map<String, Alert> active = new LinkedHashMap<>();
  /** Alerts whose FIRING this route dead-lettered and that have not resolved yet (rebuilt from the dead letters at start). */
  private final Set<String> firingNotDelivered = new HashSet<>();
  private Instant lastResend = Instant.EPOCH;
  private Instant lastIncidentUpdate = Instant.now();
  private final Counter delivered;
  private final Counter deadLettered;
  private final Counter foldedAlerts;
  private final Counter mutedAlerts;
  private final Muting muting;
  /** When the alert being delivered was raised (its record's time), 0 while none is: the route's oldest undelivered alert. */
  private volatile long undeliveredSince;

  RouteWorker(NotifyRoute route, NotifySettings settings, KafkaProducer<String, Alert> deadLetters, CountDownLatch stopping,
              Muting muting, MeterRegistry metrics) {
    this.route = route;
    this.muting = muting;
    this.mutedAlerts = outcomes(metrics, "muted");
    this.delivered = outcomes(metrics, "delivered");
    this.deadLettered = outcomes(metrics, "dead_lettered");
    this.foldedAlerts = outcomes(metrics, "folded");
    Gauge.builder("fleetpulse.notifier.oldest.undelivered",
            () -> undeliveredSince == 0 ? 0 : (System.currentTimeMillis() - undeliveredSince) / 1000.0)
        .description("Age of the oldest alert this route has not delivered yet: the one it is retrying, which the alerts "
            + "after it wait behind; 0 when none")
        .baseUnit("seconds").tag("route", route.name()).tag("type", route.type().name().toLowerCase(Locale.ROOT)).register(metrics);
    this.settings = settings;
    this.deadLetters = deadLetters;
    this.stopping = stopping;
    this.sender = new WebhookSender(settings.retry(), stopping);
    this.chat = new ChatPoster(sender);
    this.chatFormat = ChatFormat.forRoute(route.type()).orElse(null);
    this.alertmanagerFormat = new AlertmanagerFormat(settings.publicUrl());
  }

  @Override
  public void run() {
    try (KafkaConsumer<String, Alert> consumer = consumer("fleetpulse-notify-" + route.name())) {
      if (route.type() == NotifyRoute.ReceiverType.ALERTMANAGER) {
        rebuildActiveAlerts();
      } else if (chatFormat != null) {
        rebuildFolding(consumer);
      }
      rememberDeadLetteredFirings();
      consumer.subscribe(List.of(Topics.ALERTS));
      while (stopping.getCount() > 0) {
        ConsumerRecords<String, Alert> records;
        try {
          records = consumer.poll(Duration.ofMillis(500));
        } catch (RecordDeserializationException e) {
          log.error("{}: skipping unreadable alert at {} offset {}: {}", route, e.topicPartition(), e.offset(), e.getMessage());
          consumer.seek(e.topicPartition(), e.offset() + 1);
          continue;
        }
        for (ConsumerRecord<String, Alert> record : records) {
          Handled handled = handle(record);
          if (handled == Handled.STOPPED) {
            return; // stopping mid-delivery: leave the offset uncommitted, the alert is redelivered next start
          }
          if (handled == Handled.SENT) {
            // Committed per sent alert, not per polled batch: a restart while a later alert of the batch is still
            // retrying must not send the ones before it again.
            consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1)));
          }
        }
        if (!records.isEmpty()) {
          consumer.commitSync();
        }
        resendActiveWhenDue();
        announceIncidentGrowthWhenDue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("{} stopped on an unexpected error; alerts since the last commit will be redelivered on restart", route, e);
    }
  }

  /** What became of one alert record on this route. */
  private enum Handled {
    /** Not for this route, or folded, or too old for chat: nothing was sent. */
    SKIPPED,
    /** Delivered, or dead-lettered after the receiver refused it or the attempts ran out. */
    SENT,
    /** The notifier is stopping and the alert was not delivered: it must be read again on the next start. */
    STOPPED
  }

  private Handled handle(ConsumerRecord<String, Alert> record) throws InterruptedException {
    Alert alert = record.value();
    if (alert == null || !route.match().matches(alert)) {
      return Handled.SKIPPED;
    }
    Optional<String> muted = muting.mutes(alert);
    if (muted.isPresent()) {
      mutedAlerts.increment();
      log.info("{}: not sending {} {} of {}: {}", route, alert.getKind(), alert.getState(), alert.getId(), muted.get());
      // Still folded as if it had been, so a restart rebuilds the same picture.
      if (chatFormat != null) {
        folding.track(alert);
        folding.fold(alert);
      }
      return Handled.SKIPPED;
    }
    // A resolution whose firing never reached this receiver says so, rather than resolving something it never saw.
    boolean firingUndelivered = alert.getState() == AlertState.RESOLVED && firingNotDelivered.remove(alert.getId());
    String body;
    Map<String, String> headers = Map.of();
    switch (route.type()) {
      case ALERTMANAGER -> {
        remember(alert);
        body = alertmanagerFormat.alerts(List.of(alert)).encode();
      }
      case WEBHOOK -> {
        body = AlertJson.of(alert).encode();
        headers = new HashMap<>(WebhookHeaders.of(route, alert, body));
        if (firingUndelivered) {
          headers.put(WebhookHeaders.FIRING_UNDELIVERED, "true");
        }
      }
      default -> {
        IncidentFolding.Folded folded = folding.track(alert);
        if (folding.fold(alert) || rootCauses.fold(alert)) {
          foldedAlerts.increment();
          return Handled.SKIPPED;
        }
        if (Instant.ofEpochMilli(record.timestamp()).isBefore(Instant.now().minus(MAX_CHAT_BACKLOG))) {
          log.info("{}: not posting alert {} from {}, older than {}", route, alert.getId(), Instant.ofEpochMilli(record.timestamp()),
              MAX_CHAT_BACKLOG);
          return Handled.SKIPPED;
        }
        RootCauseFolding.Consequences consequences = rootCauses.posting(alert);
        ChatFormat.ChatText text = ChatFormat.ChatText.of(alert, folded, settings.publicUrl());
        if (consequences.any()) {
          text = text.withNote(ChatFormat.ChatText.consequences(consequences));
        }
        if (firingUndelivered) {
          text = text.withNote("This alert's firing message could not be delivered here (it is in " + Topics.ALERTS_DEAD_LETTER + ").");
        }
        JsonObject message = chatFormat.message(alert, text);
        Handled handled = deliver(record, () -> postChat(alert, message));
        if (handled == Handled.SENT && alert.getState() == AlertState.FIRING && folded.alerts() > 0) {
          followUpAbsorbed(alert, folded);
        }
        if (alert.getKind() == AlertKind.FLEET_INCIDENT && alert.getState() == AlertState.RESOLVED) {
          incidentMessages.remove(alert.getId());
        }
        return handled;
      }
    }
    Map<String, String> sentHeaders = headers;
    return deliver(record, () -> sender.send(route, body, sentHeaders));
  }

  /** One attempt at delivering an alert, retries included. */
  @FunctionalInterface
  private interface Sending {
    WebhookSender.Outcome send() throws InterruptedException;
  }

  /** Posts a chat message; a Slack bot route remembers where a fleet incident's message is, to edit it as the incident grows. */
  private WebhookSender.Outcome postChat(Alert alert, JsonObject message) throws InterruptedException {
    ChatPoster.Posted posted = chat.post(route, message);
    if (alert.getKind() == AlertKind.FLEET_INCIDENT && alert.getState() == AlertState.FIRING) {
      posted.ts().ifPresent(ts -> incidentMessages.put(alert.getId(), ts));
    }
    return posted.outcome();
  }

  private Handled deliver(ConsumerRecord<String, Alert> record, Sending sending) throws InterruptedException {
    undeliveredSince = record.timestamp();
    WebhookSender.Outcome outcome;
    try {
      outcome = sending.send();
    } finally {
      undeliveredSince = 0;
    }
    if (outcome.stopped()) {
      return Handled.STOPPED;
    }
    if (outcome.delivered()) {
      delivered.increment();
      if (record.value().getState() == AlertState.FIRING) {
        firingNotDelivered.remove(record.value().getId()); // an id that fires again, delivered this time
      }
    } else {
      deadLetter(record, outcome);
      deadLettered.increment();
    }
    return Handled.SENT;
  }

  /** The one follow-up of the device alerts posted before {@code incident} fired; best effort, after the incident's own message. */
  private void followUpAbsorbed(Alert incident, IncidentFolding.Folded before) throws InterruptedException {
    WebhookSender.Outcome outcome = chat.post(route,
        chatFormat.message(incident, ChatFormat.ChatText.absorbed(incident, before, settings.publicUrl()))).outcome();
    if (!outcome.delivered() && !outcome.stopped()) {
      log.warn("{}: the follow-up of {} device alerts now part of incident {} was not delivered: {}", route, before.alerts(),
          incident.getId(), outcome.error());
    }
  }

  private Counter outcomes(MeterRegistry metrics, String outcome) {
    return Counter.builder("fleetpulse.notifier.alerts")
        .description("Alerts handled by a notifier route, by outcome")
        .tag("route", route.name()).tag("type", route.type().name().toLowerCase(Locale.ROOT)).tag("outcome", outcome)
        .register(metrics);
  }

  private void deadLetter(ConsumerRecord<String, Alert> record, WebhookSender.Outcome outcome) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("fleetpulse.route", route.name().getBytes(StandardCharsets.UTF_8));
    headers.add("fleetpulse.error", outcome.error().getBytes(StandardCharsets.UTF_8));
    headers.add("fleetpulse.attempts", Integer.toString(outcome.attempts()).getBytes(StandardCharsets.UTF_8));
    try {
      deadLetters.send(new ProducerRecord<>(Topics.ALERTS_DEAD_LETTER, null, record.key(), record.value(), headers)).get();
      if (record.value().getState() == AlertState.FIRING) {
        firingNotDelivered.add(record.value().getId());
      }
      log.warn("{}: alert {} dead-lettered to {} after {} attempt(s): {}", route, record.value().getId(), Topics.ALERTS_DEAD_LETTER,
          outcome.attempts(), outcome.error());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while dead-lettering", e);
    } catch (ExecutionException e) {
      // Without the dead letter the offset must not be committed: fail the route so the alert is retried on restart.
      throw new IllegalStateException("cannot write dead letter for alert " + record.value().getId(), e.getCause());
    }
  }

  private void remember(Alert alert) {
    if (alert.getState() == AlertState.FIRING) {
      active.put(alert.getId(), alert);
    } else {
      active.remove(alert.getId());
    }
  }

  private void resendActiveWhenDue() throws InterruptedException {
    if (route.type() != NotifyRoute.ReceiverType.ALERTMANAGER || active.isEmpty()
        || Instant.now().isBefore(lastResend.plus(settings.resendInterval()))) {
      return;
    }
    lastResend = Instant.now();
    WebhookSender.Outcome outcome = sender.send(route, alertmanagerFormat.alerts(active.values()).encode(), Map.of());
    if (!outcome.delivered() && !outcome.stopped()) {
      log.warn("{}: re-sending {} active alerts failed: {}; trying again in {}", route, active.size(), outcome.error(),
          settings.resendInterval());
    }
  }

  /** Chat: a short update per fleet incident that took in more devices since its channel last heard of it. */
  private void announceIncidentGrowthWhenDue() throws InterruptedException {
    if (chatFormat == null || Instant.now().isBefore(lastIncidentUpdate.plus(settings.incidentUpdateInterval()))) {
      return;
    }
    lastIncidentUpdate = Instant.now();
    for (IncidentFolding.Growth growth : folding.unannounced()) {
      if (muting.mutes(growth.incident()).isPresent()) {
        continue;
      }
      String posted = incidentMessages.get(growth.incident().getId());
      // A Slack bot route edits the incident's own message in place; elsewhere a short update follows it.
      WebhookSender.Outcome outcome = posted != null
          ? chat.update(route, posted, chatFormat.message(growth.incident(), ChatFormat.ChatText.of(growth.incident(), IncidentFolding.Folded.NONE,
              settings.publicUrl()).withNote(ChatFormat.ChatText.grownLine(growth))))
          : chat.post(route, chatFormat.message(growth.incident(), ChatFormat.ChatText.grown(growth, settings.publicUrl()))).outcome();
      if (!outcome.delivered() && !outcome.stopped()) {
        log.warn("{}: the update of incident {} (now {} devices) was not delivered: {}; the next one will count them", route,
            growth.incident().getId(), growth.devices().size(), outcome.error());
      }
    }
  }

  /** After a restart, Alertmanager must hear about alerts still firing: replay the topic to find them. */
  private void rebuildActiveAlerts() {
    replay(Topics.ALERTS, KafkaConsumer::endOffsets, record -> remember(record.value()));
    log.info("{}: {} alerts still firing", route, active.size());
  }

  /**
   * After a restart (or a move to another instance), the folding must be as the route left it: which incidents
   * fire, what was folded into them, which device alerts were posted. Rebuilt by showing it again every alert
   * this route handled before, up to its committed offsets.
   */
  private void rebuildFolding(KafkaConsumer<String, Alert> group) {
    replay(Topics.ALERTS, (replaying, partitions) -> {
      Map<TopicPartition, Long> until = new HashMap<>();
      group.committed(partitions).forEach((partition, committed) -> until.put(partition, committed == null ? 0L : committed.offset()));
      partitions.forEach(partition -> until.putIfAbsent(partition, 0L));
      return until;
    }, record -> {
      folding.track(record.value());
      if (!folding.fold(record.value()) && !rootCauses.fold(record.value())) {
        rootCauses.posting(record.value());
      }
    });
    // What the route had folded before the restart counts as announced: an update after a restart says only what is new.
    folding.unannounced();
    log.info("{}: incident folding rebuilt from the alerts handled before", route);
  }

  /** The alerts whose FIRING this route dead-lettered before, from fleet.alerts.dlq, so that their resolution says so. */
  private void rememberDeadLetteredFirings() {
    replay(Topics.ALERTS_DEAD_LETTER, KafkaConsumer::endOffsets, letter -> {
      Header routeHeader = letter.headers().lastHeader("fleetpulse.route");
      if (routeHeader != null && route.name().equals(new String(routeHeader.value(), StandardCharsets.UTF_8))
          && letter.value().getState() == AlertState.FIRING) {
        firingNotDelivered.add(letter.value().getId());
      }
    });
  }

  /** Where a replay stops, per partition of the topic replayed. */
  private interface ReplayEnd {
    Map<TopicPartition, Long> of(KafkaConsumer<String, Alert> replaying, Set<TopicPartition> partitions);
  }

  /** Shows {@code apply} every alert record of this route from the beginning of {@code topic} up to {@code end}. */
  private void replay(String topic, ReplayEnd end, Consumer<ConsumerRecord<String, Alert>> apply) {
    try (KafkaConsumer<String, Alert> replay = consumer("fleetpulse-notify-replay-unused")) {
      Set<TopicPartition> partitions = replay.partitionsFor(topic).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).collect(Collectors.toSet());
      replay.assign(partitions);
      replay.seekToBeginning(partitions);
      Map<TopicPartition, Long> until = end.of(replay, partitions);
      while (partitions.stream().anyMatch(p -> replay.position(p) < until.get(p)) && stopping.getCount() > 0) {
        try {
          replay.poll(Duration.ofMillis(500)).forEach(record -> {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (record.offset() < until.get(partition) && record.value() != null && route.match().matches(record.value())) {
              apply.accept(record);
            }
          });
        } catch (RecordDeserializationException e) {
          replay.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    }
  }

  private KafkaConsumer<String, Alert> consumer(String groupId) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, groupId,
        ConsumerConfig.CLIENT_ID_CONFIG, groupId,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50,
        // Retrying a dead receiver can take minutes; the group must not evict the route meanwhile.
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofMinutes(30).toMillis());
    return new KafkaConsumer<>(config, new StringDeserializer(), FleetSerdes.alert().deserializer());
  }

}
