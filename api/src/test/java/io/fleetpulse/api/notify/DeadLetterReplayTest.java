package io.fleetpulse.api.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.schemas.AlertState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 20: a receiver down for a while lost every alert raised meanwhile to the dead letters for good. Once it
 * is back, a replay sends them: each once, in order, marked late, except a firing that has resolved since.
 */
@ExtendWith(SharedKafkaBroker.class)
class DeadLetterReplayTest {

  @BeforeAll
  static void topics(EmbeddedKafkaBroker kafka) throws Exception {
    NotifiersTest.topics(kafka);
  }

  @Test
  void aReceiverBackFromAnOutageGetsWhatWasDeadLetteredOnceAndNothingThatResolvedSince(EmbeddedKafkaBroker kafka) throws Exception {
    String fleet = "replayed";
    String stillFiring = "f00000000000000000000000000000e1";
    String resolvedSince = "f00000000000000000000000000000e2";
    Instant started = Instant.now().minusSeconds(1);
    try (RecordingReceiver receiver = new RecordingReceiver().start(0)) {
      NotifyRoute hook = new NotifyRoute("replay-hook", NotifyRoute.ReceiverType.WEBHOOK, receiver.url("/hook"), "k",
          new AlertMatch(Set.of(), Set.of(), Set.of(fleet)));
      NotifySettings settings = NotifiersTest.settings(kafka, List.of(hook));
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      receiver.refuseWhileContaining("f00000");
      try (Notifiers outage = new Notifiers(settings, metrics).start()) {
        NotifiersTest.publish(kafka, NotifiersTest.crashloop(fleet, stillFiring, AlertState.FIRING),
            NotifiersTest.crashloop(fleet, resolvedSince, AlertState.FIRING));
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLettered(metrics) == 2);
        // The second device recovers while the receiver is still down: its resolution is dead-lettered too.
        NotifiersTest.publish(kafka, NotifiersTest.crashloop(fleet, resolvedSince, AlertState.RESOLVED));
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLettered(metrics) == 3);
      }
      receiver.refuseWhileContaining(null);

      StringWriter said = new StringWriter();
      DeadLetterReplay.Result first = new DeadLetterReplay(settings).replay(hook, Optional.empty(), new PrintWriter(said));

      assertThat(first).as(said.toString()).isEqualTo(new DeadLetterReplay.Result(3, 2, 1, 0, 0, Optional.empty()));
      assertThat(said.toString()).contains("resolved since, not sent");
      assertThat(receiver.received()).hasSize(2);
      // In order per device (the dead letters are keyed by device like the alerts); the two devices may interleave.
      RecordingReceiver.Received firing = sentFor(receiver, stillFiring);
      assertThat(firing.headers().get(WebhookHeaders.IDEMPOTENCY_KEY)).isEqualTo("crashloop-" + stillFiring + ":firing");
      assertThat(firing.headers().get(WebhookHeaders.REPLAYED)).isEqualTo("true");
      assertThat(firing.headers().get("X-Fleetpulse-Signature")).isEqualTo("sha256=" + WebhookHeaders.hmacSha256("k", firing.body()));
      RecordingReceiver.Received resolution = sentFor(receiver, resolvedSince);
      assertThat(new JsonObject(resolution.body()).getString("state")).isEqualTo("resolved");

      DeadLetterReplay.Result again = new DeadLetterReplay(settings).replay(hook, Optional.empty(), new PrintWriter(new StringWriter()));
      assertThat(again.letters()).as("a second replay sends only what was dead-lettered since").isZero();
      assertThat(receiver.received()).hasSize(2);

      // --since asks for a time again, replayed before or not: the same two are sent again (same Idempotency-Key).
      DeadLetterReplay.Result sinceStart = new DeadLetterReplay(settings).replay(hook, Optional.of(started), new PrintWriter(new StringWriter()));
      assertThat(sinceStart).isEqualTo(new DeadLetterReplay.Result(3, 2, 1, 0, 0, Optional.empty()));
      assertThat(receiver.received()).hasSize(4);
      assertThat(receiver.received().get(3).headers().get(WebhookHeaders.IDEMPOTENCY_KEY))
          .isIn(receiver.received().get(0).headers().get(WebhookHeaders.IDEMPOTENCY_KEY),
              receiver.received().get(1).headers().get(WebhookHeaders.IDEMPOTENCY_KEY));

      // Acknowledged since (issue 15): someone took it in hand, a replay does not send it again.
      StringWriter muted = new StringWriter();
      Muting acknowledged = alert -> alert.getDeviceUuid().equals(stillFiring) ? Optional.of("acknowledged by ops") : Optional.empty();
      DeadLetterReplay.Result afterAck = new DeadLetterReplay(settings, acknowledged).replay(hook, Optional.of(started), new PrintWriter(muted));
      assertThat(afterAck).as(muted.toString()).isEqualTo(new DeadLetterReplay.Result(3, 1, 1, 0, 1, Optional.empty()));
      assertThat(muted.toString()).contains("acknowledged by ops; not sent");
      assertThat(receiver.received()).hasSize(5);
      assertThat(receiver.received().get(4).body()).doesNotContain(stillFiring);
    }
  }

  /**
   * Issue 20: with the defaults, a receiver down for a while lost the alerts raised meanwhile until someone ran a
   * replay. Now they are sent again on their own once it answers: each once, the one that resolved since not at all.
   */
  @Test
  void deadLettersAreRedeliveredOnTheirOwnOnceTheReceiverIsBackEachOnce(EmbeddedKafkaBroker kafka) throws Exception {
    String fleet = "redelivered";
    List<String> firing = List.of("f00000000000000000000000000000f1", "f00000000000000000000000000000f2", "f00000000000000000000000000000f3");
    String resolvedSince = "f00000000000000000000000000000f4";
    try (RecordingReceiver receiver = new RecordingReceiver().start(0)) {
      NotifyRoute hook = new NotifyRoute("redeliver-hook", NotifyRoute.ReceiverType.WEBHOOK, receiver.url("/hook"), "k",
          new AlertMatch(Set.of(), Set.of(), Set.of(fleet)));
      NotifySettings settings = NotifiersTest.settings(kafka, List.of(hook));
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      receiver.refuseWhileContaining("f00000");
      try (Notifiers notifiers = new Notifiers(settings, metrics, Duration.ofMillis(300), Duration.ofHours(1), () -> true).start()) {
        for (String device : firing) {
          NotifiersTest.publish(kafka, NotifiersTest.crashloop(fleet, device, AlertState.FIRING));
        }
        NotifiersTest.publish(kafka, NotifiersTest.crashloop(fleet, resolvedSince, AlertState.FIRING));
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLettered(metrics) == 4);
        NotifiersTest.publish(kafka, NotifiersTest.crashloop(fleet, resolvedSince, AlertState.RESOLVED));
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLettered(metrics) == 5);
        assertThat(receiver.received()).as("nothing got through while the receiver was down").isEmpty();

        receiver.refuseWhileContaining(null);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() >= 4);
        // A few more rounds: nothing is sent twice.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 4);
      }
      for (String device : firing) {
        assertThat(sentFor(receiver, device).headers().get(WebhookHeaders.REPLAYED)).isEqualTo("true");
      }
      assertThat(new JsonObject(sentFor(receiver, resolvedSince).body()).getString("state"))
          .as("the firing that resolved since is not sent, its resolution is").isEqualTo("resolved");
    }
  }

  private static double deadLettered(SimpleMeterRegistry metrics) {
    return metrics.find("fleetpulse.notifier.alerts").tag("outcome", "dead_lettered").counters().stream()
        .map(io.micrometer.core.instrument.Counter::count).reduce(0.0, Double::sum);
  }

  private static RecordingReceiver.Received sentFor(RecordingReceiver receiver, String device) {
    return receiver.received().stream().filter(sent -> device.equals(new JsonObject(sent.body()).getString("device"))).findFirst()
        .orElseThrow();
  }
}
