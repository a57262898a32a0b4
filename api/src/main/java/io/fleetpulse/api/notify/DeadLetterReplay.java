package io.fleetpulse.api.notify;

import io.fleetpulse.api.alerts.AlertJson;
import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code ./fleetpulse notify replay}: sends a route's dead letters ({@code fleet.alerts.dlq}) to its receiver
 * again, once it is back. A firing alert that has resolved since is not sent (it would open something that is
 * over); everything else goes in the order it was dead-lettered, marked as late. What was replayed is
 * remembered (a consumer group per route), so a second replay sends only what was dead-lettered since; a
 * receiver still down stops the replay at the first failure, to be run again.
 */
public final class DeadLetterReplay {

  /**
   * What a replay did: letters of the route found, sent, skipped because resolved since, skipped because older than
   * automatic redelivery goes back, silenced or acknowledged since, and whether it stopped on a failure.
   */
  public record Result(int letters, int delivered, int resolvedSince, int tooOld, int muted, Optional<String> stoppedOn) {}

  private final NotifySettings settings;
  private final Muting muting;

  public DeadLetterReplay(NotifySettings settings) {
    this(settings, Muting.NONE);
  }

  /** @param muting what must not be sent: letters silenced or acknowledged since are passed over */
  public DeadLetterReplay(NotifySettings settings, Muting muting) {
    this.settings = settings;
    this.muting = muting;
  }

  /**
   * Replays {@code route}'s dead letters not replayed yet, or with {@code since} those dead-lettered from then on
   * (again, if they were); progress and every skip go to {@code out}.
   */
  public Result replay(NotifyRoute route, Optional<Instant> since, PrintWriter out) throws InterruptedException {
    return replay(route, since, Optional.empty(), out);
  }

  /**
   * Replays {@code route}'s dead letters not replayed yet that are younger than {@code maxAge}; older ones are passed
   * over (they stay in the dead-letter topic for {@code notify replay --since}). What automatic redelivery runs.
   */
  public Result redeliver(NotifyRoute route, Duration maxAge, PrintWriter out) throws InterruptedException {
    return replay(route, Optional.empty(), Optional.of(maxAge), out);
  }

  /** Whether the dead-letter topic has letters (of any route) that {@code route}'s replay has not gone past yet. */
  public boolean hasNew(NotifyRoute route) {
    try (KafkaConsumer<String, Alert> dlq = consumer(group(route))) {
      Set<TopicPartition> partitions = partitions(dlq, Topics.ALERTS_DEAD_LETTER);
      Map<TopicPartition, Long> end = dlq.endOffsets(partitions);
      Map<TopicPartition, OffsetAndMetadata> done = dlq.committed(partitions);
      return partitions.stream().anyMatch(partition -> (done.get(partition) == null ? 0 : done.get(partition).offset()) < end.get(partition));
    }
  }

  private Result replay(NotifyRoute route, Optional<Instant> since, Optional<Duration> maxAge, PrintWriter out) throws InterruptedException {
    Map<String, AlertState> latest = latestStates();
    Optional<Instant> oldest = maxAge.map(age -> Instant.now().minus(age));
    WebhookSender sender = new WebhookSender(settings.retry(), new CountDownLatch(1));
    int letters = 0;
    int delivered = 0;
    int resolvedSince = 0;
    int tooOld = 0;
    int muted = 0;
    try (KafkaConsumer<String, Alert> dlq = consumer(group(route))) {
      Set<TopicPartition> partitions = partitions(dlq, Topics.ALERTS_DEAD_LETTER);
      dlq.assign(partitions);
      Map<TopicPartition, Long> end = dlq.endOffsets(partitions);
      startAt(dlq, partitions, since);
      while (partitions.stream().anyMatch(partition -> dlq.position(partition) < end.get(partition))) {
        for (ConsumerRecord<String, Alert> letter : dlq.poll(Duration.ofMillis(500))) {
          if (letter.offset() >= end.get(new TopicPartition(letter.topic(), letter.partition())) || !route.name().equals(routeOf(letter))) {
            continue;
          }
          letters++;
          Alert alert = letter.value();
          Optional<String> mutedBecause = muting.mutes(alert);
          if (oldest.isPresent() && Instant.ofEpochMilli(letter.timestamp()).isBefore(oldest.get())) {
            tooOld++;
            out.printf("  %s %s %s: dead-lettered at %s, older than automatic redelivery goes back; not sent%n", alert.getId(),
                alert.getKind(), alert.getState(), Instant.ofEpochMilli(letter.timestamp()));
          } else if (alert.getState() == AlertState.FIRING && latest.get(alert.getId()) == AlertState.RESOLVED) {
            resolvedSince++;
            out.printf("  %s %s %s: resolved since, not sent%n", alert.getId(), alert.getKind(), alert.getState());
          } else if (mutedBecause.isPresent()) {
            muted++;
            out.printf("  %s %s %s: %s; not sent%n", alert.getId(), alert.getKind(), alert.getState(), mutedBecause.get());
          } else {
            WebhookSender.Outcome outcome = send(sender, route, alert);
            if (!outcome.delivered()) {
              out.printf("  %s %s %s: %s; stopped here, run the replay again once the receiver answers%n", alert.getId(),
                  alert.getKind(), alert.getState(), outcome.error());
              out.flush();
              return new Result(letters, delivered, resolvedSince, tooOld, muted, Optional.of(outcome.error()));
            }
            delivered++;
            out.printf("  %s %s %s: sent%n", alert.getId(), alert.getKind(), alert.getState());
          }
          out.flush();
          dlq.commitSync(Map.of(new TopicPartition(letter.topic(), letter.partition()), new OffsetAndMetadata(letter.offset() + 1)));
        }
      }
      dlq.commitSync(end.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, entry -> new OffsetAndMetadata(entry.getValue()))));
    }
    return new Result(letters, delivered, resolvedSince, tooOld, muted, Optional.empty());
  }

  /** The consumer group remembering how far the route's dead letters were replayed, by hand or automatically. */
  private static String group(NotifyRoute route) {
    return "fleetpulse-notify-replay-" + route.name();
  }

  private WebhookSender.Outcome send(WebhookSender sender, NotifyRoute route, Alert alert) throws InterruptedException {
    return switch (route.type()) {
      case WEBHOOK -> {
        String body = AlertJson.of(alert).encode();
        yield sender.send(route, body, headers(route, alert, body));
      }
      case ALERTMANAGER -> sender.send(route, new AlertmanagerFormat(settings.publicUrl()).alerts(List.of(alert)).encode(), Map.of());
      default -> {
        ChatFormat chat = ChatFormat.forRoute(route.type()).orElseThrow();
        yield new ChatPoster(sender).post(route, chat.message(alert, ChatFormat.ChatText.of(alert, IncidentFolding.Folded.NONE,
            settings.publicUrl()).withNote("Late: re-sent from the dead letters after this channel could not be reached."))).outcome();
      }
    };
  }

  /** A webhook's headers for a replayed alert: signed as live ones, and marked replayed. */
  private static Map<String, String> headers(NotifyRoute route, Alert alert, String body) {
    Map<String, String> headers = new HashMap<>(WebhookHeaders.of(route, alert, body));
    headers.put(WebhookHeaders.REPLAYED, "true");
    return headers;
  }

  /** Every alert's latest state on {@code fleet.alerts}: a firing that resolved since must not be sent now. */
  private Map<String, AlertState> latestStates() {
    Map<String, AlertState> latest = new HashMap<>();
    try (KafkaConsumer<String, Alert> alerts = consumer("fleetpulse-notify-replay-unused")) {
      readAll(alerts, Topics.ALERTS, record -> {
        if (record.value() != null) {
          latest.put(record.value().getId(), record.value().getState());
        }
      });
    }
    return latest;
  }

  private static void readAll(KafkaConsumer<String, Alert> consumer, String topic, Consumer<ConsumerRecord<String, Alert>> each) {
    Set<TopicPartition> partitions = partitions(consumer, topic);
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
      consumer.poll(Duration.ofMillis(500)).forEach(each);
    }
  }

  private static void startAt(KafkaConsumer<String, Alert> dlq, Set<TopicPartition> partitions, Optional<Instant> since) {
    if (since.isEmpty()) {
      Map<TopicPartition, OffsetAndMetadata> committed = dlq.committed(partitions);
      for (TopicPartition partition : partitions) {
        OffsetAndMetadata done = committed.get(partition);
        if (done == null) {
          dlq.seekToBeginning(List.of(partition));
        } else {
          dlq.seek(partition, done.offset());
        }
      }
      return;
    }
    Map<TopicPartition, OffsetAndTimestamp> from = dlq.offsetsForTimes(
        partitions.stream().collect(Collectors.toMap(partition -> partition, partition -> since.get().toEpochMilli())));
    for (TopicPartition partition : partitions) {
      OffsetAndTimestamp offset = from.get(partition);
      if (offset == null) {
        dlq.seekToEnd(List.of(partition));
      } else {
        dlq.seek(partition, offset.offset());
      }
    }
  }

  private static Set<TopicPartition> partitions(KafkaConsumer<String, Alert> consumer, String topic) {
    return consumer.partitionsFor(topic).stream().map(info -> new TopicPartition(info.topic(), info.partition())).collect(Collectors.toSet());
  }

  private static String routeOf(ConsumerRecord<String, Alert> letter) {
    Header route = letter.headers().lastHeader("fleetpulse.route");
    return route == null ? null : new String(route.value(), StandardCharsets.UTF_8);
  }

  private KafkaConsumer<String, Alert> consumer(String groupId) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, groupId,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), FleetSerdes.alert().deserializer());
  }
}
