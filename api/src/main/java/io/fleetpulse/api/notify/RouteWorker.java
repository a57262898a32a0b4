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
import java.util.Collection;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
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
 * Delivers {@code fleet.alerts} to one route, with its own consumer group. What to send is decided alert by
 * alert in the topic's order (muting, folding into incidents and root causes); the sending runs on the alert's
 * {@linkplain DeliveryLanes lane}, one per device, so one alert's retries delay only its own device's later
 * alerts. Each partition's commit is the oldest alert not delivered yet and names the later ones still due
 * ({@link OffsetProgress}): a receiver that is down gets every alert when it comes back, and a restart sends
 * again only the alerts whose delivery it interrupted (webhooks carry an {@value WebhookHeaders#IDEMPOTENCY_KEY}
 * to drop those by). A dead Slack never delays Alertmanager: every route has its own threads.
 */
final class RouteWorker implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(RouteWorker.class);
  /** A chat channel is not told about alerts older than this (a new route, or a long outage). */
  private static final Duration MAX_CHAT_BACKLOG = Duration.ofHours(24);
  /** Devices whose alerts are being delivered at once, per route. */
  static final int LANE_THREADS = 4;
  /** Short, so what the lanes finished is committed soon after. */
  private static final Duration POLL = Duration.ofMillis(100);
  /** How long a stopping route waits for the deliveries under way (the sender gives up its retries at once). */
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(15);

  private final NotifyRoute route;
  private final NotifySettings settings;
  private final KafkaProducer<String, Alert> deadLetters;
  private final CountDownLatch stopping;
  private final WebhookSender sender;
  private final ChatPoster chat;
  /** Slack bot routes: where each firing fleet incident's message is (its ts), to edit it as the incident grows. */
  private final Map<String, String> incidentMessages = new ConcurrentHashMap<>();
  private final IncidentFolding folding = new IncidentFolding();
  private final RootCauseFolding rootCauses = new RootCauseFolding();
  private final ChatFormat chatFormat;
  private final AlertmanagerFormat alertmanagerFormat;
  /** Alertmanager only: the firing alerts, re-sent every resend interval. */
  private final Map<String, Alert> active = new LinkedHashMap<>();
  /** Alerts whose FIRING this route dead-lettered and that have not resolved yet (rebuilt from the dead letters at start). */
  private final Set<String> firingNotDelivered = ConcurrentHashMap.newKeySet();
  /** The route's thread only: how far it got in each partition it owns. */
  private final Map<TopicPartition, OffsetProgress> progress = new HashMap<>();
  /** The route's thread only: whether something was read or delivered since the last commit. */
  private boolean uncommitted;
  /** What the lanes finished, for the route's thread to commit. */
  private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();
  /** The first unexpected error of a lane (a dead letter that could not be written): the route stops on it. */
  private final AtomicReference<RuntimeException> laneFailure = new AtomicReference<>();
  private Instant lastResend = Instant.EPOCH;
  private Instant lastIncidentUpdate = Instant.now();
  private final Counter delivered;
  private final Counter deadLettered;
  private final Counter foldedAlerts;
  private final Counter mutedAlerts;
  private final Muting muting;
  /** When the oldest alert not delivered yet was raised (its record's time), 0 while none is. */
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
        .description("Age of the oldest alert this route has not delivered yet (its device's later alerts wait behind it); "
            + "0 when none")
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
    try (KafkaConsumer<String, Alert> consumer = consumer("fleetpulse-notify-" + route.name());
         DeliveryLanes lanes = new DeliveryLanes(route.name(), LANE_THREADS)) {
      if (route.type() == NotifyRoute.ReceiverType.ALERTMANAGER) {
        rebuildActiveAlerts();
      } else if (chatFormat != null) {
        rebuildFolding(consumer);
      }
      rememberDeadLetteredFirings();
      consumer.subscribe(List.of(Topics.ALERTS), new ProgressOnRebalance(consumer));
      try {
        while (stopping.getCount() > 0) {
          ConsumerRecords<String, Alert> records;
          try {
            records = consumer.poll(POLL);
          } catch (RecordDeserializationException e) {
            log.error("{}: skipping unreadable alert at {} offset {}: {}", route, e.topicPartition(), e.offset(), e.getMessage());
            consumer.seek(e.topicPartition(), e.offset() + 1);
            continue;
          }
          for (ConsumerRecord<String, Alert> record : records) {
            dispatch(record, lanes);
          }
          resendActiveWhenDue(lanes);
          announceIncidentGrowthWhenDue(lanes);
          settle(consumer);
        }
      } finally {
        // Deliveries under way end early once stopping; what they did not finish stays due for the next start. After a
        // lane's failure nothing more is sent: the lanes are closed at once.
        if (laneFailure.get() == null && !lanes.awaitIdle(SHUTDOWN_GRACE)) {
          log.warn("{}: deliveries still under way after {}; they are sent again on the next start", route, SHUTDOWN_GRACE);
        }
        settle(consumer);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("{} stopped on an unexpected error; alerts not delivered yet will be on restart", route, e);
    }
  }

  /** Decides what one alert record means for this route and, if something is to be sent, hands it to its lane. */
  private void dispatch(ConsumerRecord<String, Alert> record, DeliveryLanes lanes) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    OffsetProgress progress = this.progress.get(partition);
    if (progress == null) {
      return; // revoked while this batch was being handled: its new owner reads it
    }
    progress.read(record.offset());
    uncommitted = true;
    Sending sending = decide(record);
    // Decided in any case, so folding and Alertmanager's picture come out as they did before a restart.
    if (sending == null || progress.doneBeforeResume(record.offset())) {
      return;
    }
    progress.handedToLane(record.offset(), record.timestamp());
    lanes.submit(laneOf(record.value()), () -> {
      Handled handled;
      try {
        handled = stopping.getCount() == 0 ? Handled.STOPPED : deliver(record, sending);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        handled = Handled.STOPPED;
      } catch (RuntimeException e) {
        laneFailure.compareAndSet(null, e);
        handled = Handled.STOPPED;
      }
      finished.add(new Finished(partition, record.offset(), handled));
    });
  }

  /** Takes in what the lanes finished, commits the progress, and pauses or resumes partitions by how much is due. */
  private void settle(KafkaConsumer<String, Alert> consumer) {
    RuntimeException failure = laneFailure.get();
    if (failure != null) {
      throw failure;
    }
    for (Finished done; (done = finished.poll()) != null; ) {
      OffsetProgress progress = this.progress.get(done.partition());
      if (progress != null && done.handled() != Handled.STOPPED) {
        progress.done(done.offset());
        uncommitted = true;
      }
    }
    if (uncommitted) {
      commit(consumer, progress.keySet());
    }
    Set<TopicPartition> full = new HashSet<>();
    progress.forEach((partition, partitionProgress) -> {
      if (partitionProgress.dueCount() >= OffsetProgress.MAX_DUE) {
        full.add(partition);
      }
    });
    consumer.pause(full);
    Set<TopicPartition> resumable = new HashSet<>(consumer.paused());
    resumable.removeAll(full);
    consumer.resume(resumable);
    undeliveredSince = progress.values().stream().mapToLong(OffsetProgress::oldestDueRaisedAt).filter(raised -> raised > 0).min().orElse(0);
  }
  /**
   * What this route makes of one alert, decided in the order of the topic (muting, folding, formats): null when
   * nothing is to be sent, else the sending, which runs on the alert's lane.
   */
  private Sending decide(ConsumerRecord<String, Alert> record) {
    Alert alert = record.value();
    if (alert == null || !route.match().matches(alert)) {
      return null;
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
      return null;
    }
    switch (route.type()) {
      case ALERTMANAGER -> {
        remember(alert);
        String body = alertmanagerFormat.alerts(List.of(alert)).encode();
        return () -> sender.send(route, body, Map.of());
      }
      case WEBHOOK -> {
        String body = AlertJson.of(alert).encode();
        Map<String, String> headers = WebhookHeaders.of(route, alert, body);
        return () -> {
          // A resolution whose firing never reached this receiver says so, rather than resolving something it never saw.
          if (!firingUndelivered(alert)) {
            return sender.send(route, body, headers);
          }
          Map<String, String> saying = new HashMap<>(headers);
          saying.put(WebhookHeaders.FIRING_UNDELIVERED, "true");
          return sender.send(route, body, saying);
        };
      }
      default -> {
        IncidentFolding.Folded folded = folding.track(alert);
        if (folding.fold(alert) || rootCauses.fold(alert)) {
          foldedAlerts.increment();
          return null;
        }
        if (Instant.ofEpochMilli(record.timestamp()).isBefore(Instant.now().minus(MAX_CHAT_BACKLOG))) {
          log.info("{}: not posting alert {} from {}, older than {}", route, alert.getId(), Instant.ofEpochMilli(record.timestamp()),
              MAX_CHAT_BACKLOG);
          return null;
        }
        RootCauseFolding.Consequences consequences = rootCauses.posting(alert);
        ChatFormat.ChatText decided = ChatFormat.ChatText.of(alert, folded, settings.publicUrl());
        ChatFormat.ChatText text = consequences.any() ? decided.withNote(ChatFormat.ChatText.consequences(consequences)) : decided;
        return () -> {
          JsonObject message = chatFormat.message(alert, firingUndelivered(alert)
              ? text.withNote("This alert's firing message could not be delivered here (it is in " + Topics.ALERTS_DEAD_LETTER + ").")
              : text);
          WebhookSender.Outcome outcome = postChat(alert, message);
          if (!outcome.stopped() && alert.getState() == AlertState.FIRING && folded.alerts() > 0) {
            followUpAbsorbed(alert, folded);
          }
          if (alert.getKind() == AlertKind.FLEET_INCIDENT && alert.getState() == AlertState.RESOLVED) {
            incidentMessages.remove(alert.getId());
          }
          return outcome;
        };
      }
    }
  }

  /** Whether {@code alert} resolves one whose firing this route dead-lettered; asked once, on its lane, when it is sent. */
  private boolean firingUndelivered(Alert alert) {
    return alert.getState() == AlertState.RESOLVED && firingNotDelivered.remove(alert.getId());
  }

  /** The lane an alert is delivered in: its device's, or for a fleet incident its fleet's. */
  private static String laneOf(Alert alert) {
    return alert.getDeviceUuid() != null ? alert.getDeviceUuid() : "fleet:" + alert.getFleet();
  }

  /** What became of one alert a lane was given. */
  private enum Handled {
    /** Delivered, or dead-lettered after the receiver refused it or the attempts ran out: done. */
    SENT,
    /** The notifier is stopping and the alert was not delivered: still due on the next start. */
    STOPPED
  }

  /** A lane's report that the alert at {@code offset} of {@code partition} was handled. */
  private record Finished(TopicPartition partition, long offset, Handled handled) {}

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

  /** Runs on the alert's lane: sends it, dead-letters it if that failed for good. */
  private Handled deliver(ConsumerRecord<String, Alert> record, Sending sending) throws InterruptedException {
    WebhookSender.Outcome outcome = sending.send();
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

  /** Commits how far the route got in {@code partitions}: the oldest alert still due, and which after it are. */
  private void commit(KafkaConsumer<String, Alert> consumer, Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    partitions.forEach(partition -> {
      OffsetProgress partitionProgress = progress.get(partition);
      if (partitionProgress != null) {
        commits.put(partition, partitionProgress.commit());
      }
    });
    consumer.commitSync(commits);
    uncommitted = false;
  }

  /** Keeps {@link #progress} to the partitions this route owns, resumed from their commits and committed when they go. */
  private final class ProgressOnRebalance implements ConsumerRebalanceListener {
    private final KafkaConsumer<String, Alert> consumer;

    ProgressOnRebalance(KafkaConsumer<String, Alert> consumer) {
      this.consumer = consumer;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      consumer.committed(new HashSet<>(partitions)).forEach((partition, committed) ->
          progress.put(partition, OffsetProgress.resume(committed)));
      partitions.forEach(partition -> progress.putIfAbsent(partition, OffsetProgress.resume(null)));
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      commit(consumer, partitions);
      partitions.forEach(progress::remove);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitions.forEach(progress::remove);
    }
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

  /** Alertmanager: the firing alerts again, on a lane of their own, so they never wait behind a device's retries. */
  private void resendActiveWhenDue(DeliveryLanes lanes) {
    if (route.type() != NotifyRoute.ReceiverType.ALERTMANAGER || active.isEmpty()
        || Instant.now().isBefore(lastResend.plus(settings.resendInterval()))) {
      return;
    }
    lastResend = Instant.now();
    String body = alertmanagerFormat.alerts(active.values()).encode();
    int count = active.size();
    lanes.submit("alertmanager:resend", bestEffort(() -> sender.send(route, body, Map.of()),
        error -> log.warn("{}: re-sending {} active alerts failed: {}; trying again in {}", route, count, error, settings.resendInterval())));
  }

  /**
   * Chat: a short update per fleet incident that took in more devices since its channel last heard of it, on the
   * incident's lane, after its own message.
   */
  private void announceIncidentGrowthWhenDue(DeliveryLanes lanes) {
    if (chatFormat == null || Instant.now().isBefore(lastIncidentUpdate.plus(settings.incidentUpdateInterval()))) {
      return;
    }
    lastIncidentUpdate = Instant.now();
    for (IncidentFolding.Growth growth : folding.unannounced()) {
      if (muting.mutes(growth.incident()).isPresent()) {
        continue;
      }
      Alert incident = growth.incident();
      lanes.submit(laneOf(incident), bestEffort(() -> {
        String posted = incidentMessages.get(incident.getId());
        // A Slack bot route edits the incident's own message in place; elsewhere a short update follows it.
        return posted != null
            ? chat.update(route, posted, chatFormat.message(incident, ChatFormat.ChatText.of(incident, IncidentFolding.Folded.NONE,
                settings.publicUrl()).withNote(ChatFormat.ChatText.grownLine(growth))))
            : chat.post(route, chatFormat.message(incident, ChatFormat.ChatText.grown(growth, settings.publicUrl()))).outcome();
      }, error -> log.warn("{}: the update of incident {} (now {} devices) was not delivered: {}; the next one will count them", route,
          incident.getId(), growth.devices().size(), error)));
    }
  }

  /** A lane's task for a message that is not an alert of the topic: nothing to commit, a failure is logged and left. */
  private Runnable bestEffort(Sending sending, Consumer<String> failed) {
    return () -> {
      if (stopping.getCount() == 0) {
        return;
      }
      try {
        WebhookSender.Outcome outcome = sending.send();
        if (!outcome.delivered() && !outcome.stopped()) {
          failed.accept(outcome.error());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
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
