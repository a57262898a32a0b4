package io.fleetpulse.api.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.kafka.TopicReader;
import io.fleetpulse.api.silence.SilenceBook;
import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.Severity;
import io.fleetpulse.schemas.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.fleetpulse.schemas.Topics;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each test uses its own fleet, and its routes match only that fleet: tests share the alerts topic. */
@ExtendWith(SharedKafkaBroker.class)
class NotifiersTest {

  private static final RetryPolicy FAST_RETRY = new RetryPolicy(4, Duration.ofMillis(50), Duration.ofMillis(200));

  @BeforeAll
  static void topics(EmbeddedKafkaBroker kafka) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(2, (short) 1).provision(admin);
    }
  }

  @Test
  void chatAndSignedWebhookRoutesGetTheirFormats(EmbeddedKafkaBroker kafka) throws Exception {
    String fleet = "formats";
    try (RecordingReceiver receiver = new RecordingReceiver().start(0);
         Notifiers notifiers = new Notifiers(settings(kafka, List.of(
             route("slack", NotifyRoute.ReceiverType.SLACK, receiver.url("/slack"), fleet),
             route("teams", NotifyRoute.ReceiverType.TEAMS, receiver.url("/teams"), fleet),
             route("mm", NotifyRoute.ReceiverType.MATTERMOST, receiver.url("/mm"), fleet),
             new NotifyRoute("hook", NotifyRoute.ReceiverType.WEBHOOK, receiver.url("/hook"), "s3cret",
                 new AlertMatch(Set.of(), Set.of(), Set.of(fleet))))), new SimpleMeterRegistry()).start()) {
      publish(kafka, crashloop(fleet, "f0000000000000000000000000000001", AlertState.FIRING));

      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 4);
      JsonObject slack = body(receiver, "/slack");
      assertThat(slack.getString("text")).contains("CRASHLOOP balena.service on device f000000").contains("Container engine");
      assertThat(slack.getJsonArray("blocks").encode()).contains("Open in fleetpulse")
          .contains("http://fleetpulse.example/#/devices/f0000000000000000000000000000001")
          .contains("restart the engine");
      assertThat(body(receiver, "/teams").getJsonArray("attachments").getJsonObject(0).getString("contentType"))
          .isEqualTo("application/vnd.microsoft.card.adaptive");
      assertThat(body(receiver, "/mm").getJsonArray("attachments").getJsonObject(0).getString("color")).isEqualTo("#e01e5a");

      RecordingReceiver.Received hook = receiver.received().stream().filter(r -> r.path().equals("/hook")).findFirst().orElseThrow();
      assertThat(hook.headers().get("X-Fleetpulse-Signature")).isEqualTo("sha256=" + WebhookHeaders.hmacSha256("s3cret", hook.body()));
      JsonObject alert = new JsonObject(hook.body());
      assertThat(alert.getString("kind")).isEqualTo("CRASHLOOP");
      assertThat(alert.getString("state")).isEqualTo("firing");
      assertThat(alert.getString("device")).isEqualTo("f0000000000000000000000000000001");
    }
  }

  @Test
  void aReceiverThatIsDownAndComesBackGetsEveryAlertInOrderPerDevice(EmbeddedKafkaBroker kafka) throws Exception {
    String fleet = "outage";
    int port = freePort();
    NotifyRoute down = new NotifyRoute("down", NotifyRoute.ReceiverType.WEBHOOK, "http://127.0.0.1:" + port + "/hook", "k",
        new AlertMatch(Set.of(), Set.of(), Set.of(fleet)));
    RetryPolicy patient = new RetryPolicy(50, Duration.ofMillis(100), Duration.ofMillis(300));
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (Notifiers notifiers = new Notifiers(new NotifySettings(kafka.bootstrapServers(), "http://fleetpulse.example", List.of(down),
        patient, Duration.ofMinutes(1), NotifySettings.INCIDENT_UPDATES), metrics).start()) {
      for (int i = 1; i <= 3; i++) {
        publish(kafka, crashloop(fleet, "f00000000000000000000000000000a" + i, AlertState.FIRING));
      }
      publish(kafka, crashloop(fleet, "f00000000000000000000000000000a1", AlertState.RESOLVED));
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        // The route is consuming (and failing to connect) before the receiver comes up; until it joins, its group is unknown.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsMatching(e -> e.getCause() instanceof GroupIdNotFoundException).until(() -> !admin.describeConsumerGroups(List.of("fleetpulse-notify-down"))
            .all().get().get("fleetpulse-notify-down").members().isEmpty());
      }
      // While the receiver is down, the route's oldest undelivered alert ages: what FleetpulseNotifierBehind watches.
      await().atMost(Duration.ofSeconds(30)).until(() -> oldestUndelivered(metrics) >= 1);
      try (RecordingReceiver receiver = new RecordingReceiver().start(port)) {
        receiver.failNext(2, 503);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 4);
        // Devices are delivered side by side; one device's alerts in the order they were raised.
        assertThat(receiver.received()).extracting(r -> new JsonObject(r.body()).getString("device") + " " + new JsonObject(r.body())
            .getString("state")).containsExactlyInAnyOrder("f00000000000000000000000000000a1 firing", "f00000000000000000000000000000a1 resolved",
            "f00000000000000000000000000000a2 firing", "f00000000000000000000000000000a3 firing")
            .containsSubsequence("f00000000000000000000000000000a1 firing", "f00000000000000000000000000000a1 resolved");
        await().atMost(Duration.ofSeconds(10)).until(() -> oldestUndelivered(metrics) == 0);
      }
    }
  }

  /**
   * Issue 21: a route used to commit once per polled batch, so a restart while one alert of the batch was still
   * retrying sent every alert before it again. Counted at the receiver across the restart: each exactly once.
   */
  @Test
  void aRestartWhileOneAlertIsRetryingSendsNoDeliveredAlertAgain(EmbeddedKafkaBroker kafka) throws Exception {
    String fleet = "restart";
    List<String> devices = List.of("f00000000000000000000000000000b1", "f00000000000000000000000000000b2",
        "f00000000000000000000000000000b3", "f00000000000000000000000000000b4");
    try (RecordingReceiver receiver = new RecordingReceiver().start(0)) {
      NotifySettings settings = patientWebhook(kafka, "restart-hook", receiver, fleet);
      receiver.refuseWhileContaining(devices.get(3));
      firingOnOnePartition(kafka, fleet, devices);
      Notifiers first = new Notifiers(settings, new SimpleMeterRegistry()).start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 3 && receiver.refused() >= 3);
      } finally {
        first.close(); // mid-retry of the fourth
      }
      receiver.refuseWhileContaining(null);
      try (Notifiers second = new Notifiers(settings, new SimpleMeterRegistry()).start()) {
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() >= 4);
        // Anything sent again would come at once, before or with the fourth.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 4);
      }
      assertThat(receiver.received()).extracting(r -> new JsonObject(r.body()).getString("device")).containsExactlyInAnyOrderElementsOf(devices);
      assertThat(receiver.received()).extracting(r -> r.headers().get("Idempotency-Key"))
          .containsExactlyInAnyOrderElementsOf(devices.stream().map(device -> "crashloop-" + device + ":firing").toList());
    }
  }

  /**
   * Issue 20: one alert's retries held up every later alert of its route. Now only its own device's: the three
   * alerts behind a retrying one, in the same partition, arrive meanwhile; and a restart, with the retrying
   * alert the oldest not delivered, sends it once and none of the three again.
   */
  @Test
  void oneDevicesRetriesHoldUpNoOtherDeviceNorARestart(EmbeddedKafkaBroker kafka) throws Exception {
    String fleet = "lanes";
    List<String> devices = List.of("f00000000000000000000000000000e1", "f00000000000000000000000000000e2",
        "f00000000000000000000000000000e3", "f00000000000000000000000000000e4");
    try (RecordingReceiver receiver = new RecordingReceiver().start(0)) {
      NotifySettings settings = patientWebhook(kafka, "lanes-hook", receiver, fleet);
      receiver.refuseWhileContaining(devices.get(0));
      firingOnOnePartition(kafka, fleet, devices);
      try (Notifiers first = new Notifiers(settings, new SimpleMeterRegistry()).start()) {
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 3);
        assertThat(receiver.refused()).as("the first device's alert is still being retried").isPositive();
      }
      receiver.refuseWhileContaining(null);
      try (Notifiers second = new Notifiers(settings, new SimpleMeterRegistry()).start()) {
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() >= 4);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 4);
      }
      assertThat(receiver.received()).extracting(r -> new JsonObject(r.body()).getString("device"))
          .containsExactlyInAnyOrderElementsOf(devices).endsWith(devices.get(0));
    }
  }

  @Test
  void undeliverableAlertsAreDeadLetteredAndTheRouteMovesOn(EmbeddedKafkaBroker kafka) throws Exception {
    String fleet = "deadletter";
    try (RecordingReceiver receiver = new RecordingReceiver().start(0);
         Notifiers notifiers = new Notifiers(settings(kafka, List.of(
             route("refusing", NotifyRoute.ReceiverType.SLACK, receiver.url("/slack"), fleet))), new SimpleMeterRegistry()).start();
         TopicReader<Alert> deadLetters = new TopicReader<>(kafka, FleetSerdes.alert().deserializer(), List.of(Topics.ALERTS_DEAD_LETTER))) {
      receiver.failNext(1, 400);
      publish(kafka, crashloop(fleet, "f00000000000000000000000000000d1", AlertState.FIRING));
      List<ConsumerRecord<String, Alert>> dead = deadLetters.until(records -> records.stream()
          .anyMatch(r -> r.value().getDeviceUuid().equals("f00000000000000000000000000000d1")));
      publish(kafka, crashloop(fleet, "f00000000000000000000000000000d2", AlertState.FIRING));
      ConsumerRecord<String, Alert> letter = dead.stream()
          .filter(r -> r.value().getDeviceUuid().equals("f00000000000000000000000000000d1")).findFirst().orElseThrow();
      assertThat(new String(letter.headers().lastHeader("fleetpulse.route").value(), StandardCharsets.UTF_8)).isEqualTo("refusing");
      assertThat(new String(letter.headers().lastHeader("fleetpulse.error").value(), StandardCharsets.UTF_8)).isEqualTo("HTTP 400");
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 1);
      assertThat(receiver.received().get(0).body()).contains("f00000");
      assertThat(body(receiver, "/slack").getString("text")).contains("device f000000");
    }
  }

  /**
   * Issue 21: a receiver got the "resolved" of an alert whose firing had been dead-lettered, without ever seeing it
   * fire. Now the resolution says so (webhook header, chat line), also when a restart came in between.
   */
  @Test
  void aResolutionWhoseFiringWasDeadLetteredSaysSo(EmbeddedKafkaBroker kafka) throws Exception {
    String fleet = "lostfiring";
    String device = "f00000000000000000000000000000c1";
    try (RecordingReceiver receiver = new RecordingReceiver().start(0)) {
      NotifySettings settings = settings(kafka, List.of(
          new NotifyRoute("lost-hook", NotifyRoute.ReceiverType.WEBHOOK, receiver.url("/hook"), "k", new AlertMatch(Set.of(), Set.of(), Set.of(fleet))),
          route("lost-chat", NotifyRoute.ReceiverType.SLACK, receiver.url("/chat"), fleet)));
      receiver.refuseWhileContaining(device.substring(0, 7));
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      try (Notifiers first = new Notifiers(settings, metrics).start()) {
        publish(kafka, crashloop(fleet, device, AlertState.FIRING));
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.find("fleetpulse.notifier.alerts").tag("outcome", "dead_lettered")
            .counters().stream().mapToDouble(counter -> counter.count()).sum() == 2);
      }
      receiver.refuseWhileContaining(null);
      try (Notifiers second = new Notifiers(settings, new SimpleMeterRegistry()).start()) {
        publish(kafka, crashloop(fleet, device, AlertState.RESOLVED));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 2);
      }
      RecordingReceiver.Received hook = receiver.received().stream().filter(r -> r.path().equals("/hook")).findFirst().orElseThrow();
      assertThat(new JsonObject(hook.body()).getString("state")).isEqualTo("resolved");
      assertThat(hook.headers().get("X-Fleetpulse-Firing-Undelivered")).isEqualTo("true");
      assertThat(body(receiver, "/chat").encode()).contains("Resolved: CRASHLOOP").contains("firing message could not be delivered here");
    }
  }

  @Test
  void deviceAlertsOfAFiringIncidentAreFoldedIntoItInChatChannels(EmbeddedKafkaBroker kafka) throws Exception {
    // A fleet no other test writes to: the topologies of other api tests publish real alerts too.
    String fleet = "folding";
    Alert incident = crashloopIncident(fleet, 6, 16);
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (RecordingReceiver receiver = new RecordingReceiver().start(0);
         Notifiers notifiers = new Notifiers(settings(kafka, List.of(
             route("chat", NotifyRoute.ReceiverType.SLACK, receiver.url("/chat"), fleet),
             new NotifyRoute("machine", NotifyRoute.ReceiverType.WEBHOOK, receiver.url("/machine"), "k",
                 new AlertMatch(Set.of(), Set.of(), Set.of(fleet))))), metrics).start()) {
      // Step by step: the incident and the device alerts sit on different partitions, and their order is the point.
      publish(kafka, incident);
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 2);
      publish(kafka, crashloop(fleet, "f00000000000000000000000000000f1", AlertState.FIRING),
          crashloop(fleet, "f00000000000000000000000000000f2", AlertState.FIRING));
      await().atMost(Duration.ofSeconds(30)).until(() -> metrics.find("fleetpulse.notifier.alerts").tag("route", "chat")
          .tag("outcome", "folded").counter().count() == 2);
      publish(kafka, Alert.newBuilder(incident).setState(AlertState.RESOLVED).setResolvedAt(Instant.parse("2026-11-27T11:00:00Z")).build());

      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 6);
      List<String> chat = receiver.received().stream().filter(r -> r.path().equals("/chat"))
          .map(r -> new JsonObject(r.body()).getString("text")).toList();
      assertThat(chat).hasSize(2);
      assertThat(chat.get(0)).startsWith("[CRITICAL] FLEET_INCIDENT CRASHLOOP on fleet folding");
      assertThat(chat.get(1)).startsWith("Resolved: FLEET_INCIDENT");
      assertThat(receiver.received().stream().filter(r -> r.path().equals("/chat")).toList().get(1).body())
          .contains("2 device alerts were folded into this incident");
      assertThat(receiver.received().stream().filter(r -> r.path().equals("/machine"))).hasSize(4);
    }
  }

  /**
   * Issue 21: the folding lived in memory only, so after a restart a new device alert of a firing incident was
   * posted on its own and the resolution lost its count; and the device alerts posted before the incident never
   * heard of it again. Now: one follow-up when the incident fires, folding rebuilt after the restart.
   */
  @Test
  void foldingSurvivesARestartAndEarlierDeviceAlertsGetOneFollowUp(EmbeddedKafkaBroker kafka) throws Exception {
    String fleet = "refolding";
    Alert incident = crashloopIncident(fleet, 5, 16);
    try (RecordingReceiver receiver = new RecordingReceiver().start(0)) {
      NotifySettings settings = settings(kafka, List.of(route("refolding-chat", NotifyRoute.ReceiverType.SLACK, receiver.url("/chat"), fleet)));
      try (Notifiers first = new Notifiers(settings, new SimpleMeterRegistry()).start()) {
        // One at a time: the alerts sit on different partitions, and the order is the point.
        publish(kafka, crashloop(fleet, "e1a0000000000000000000000000000a", AlertState.FIRING));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 1);
        publish(kafka, incident);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 3);
      }
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      try (Notifiers second = new Notifiers(settings, metrics).start()) {
        publish(kafka, crashloop(fleet, "e2b0000000000000000000000000000b", AlertState.FIRING));
        publish(kafka, crashloop(fleet, "e1a0000000000000000000000000000a", AlertState.RESOLVED));
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.find("fleetpulse.notifier.alerts").tag("outcome", "folded")
            .counter().count() == 2);
        publish(kafka, Alert.newBuilder(incident).setState(AlertState.RESOLVED).setResolvedAt(Instant.parse("2026-11-27T11:00:00Z")).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() >= 4);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 4);
      }
      List<String> chat = receiver.received().stream().map(r -> new JsonObject(r.body()).getString("text")).toList();
      assertThat(chat.get(0)).startsWith("[CRITICAL] CRASHLOOP balena.service on device e1a0000");
      assertThat(chat.get(1)).startsWith("[CRITICAL] FLEET_INCIDENT CRASHLOOP on fleet refolding");
      assertThat(chat.get(2)).startsWith("Now part of FLEET_INCIDENT CRASHLOOP on fleet refolding")
          .contains("posted before for device e1a0000");
      assertThat(chat.get(3)).startsWith("Resolved: FLEET_INCIDENT CRASHLOOP");
      assertThat(receiver.received().get(3).body()).contains("3 device alerts were folded into this incident: devices e1a0000, e2b0000.");
    }
  }

  /**
   * Issue 21: the incident's message said "5 of 5 devices" after it grew to 13, because the topic carries only its
   * transitions. Now a chat channel gets a short update, at most once per interval, naming the devices that joined.
   */
  @Test
  void aGrowingIncidentGetsAShortUpdateAtMostOncePerInterval(EmbeddedKafkaBroker kafka) throws Exception {
    String fleet = "growing";
    Alert incident = crashloopIncident(fleet, 5, 5);
    try (RecordingReceiver receiver = new RecordingReceiver().start(0);
         Notifiers notifiers = new Notifiers(new NotifySettings(kafka.bootstrapServers(), "http://fleetpulse.example",
             List.of(route("growing-chat", NotifyRoute.ReceiverType.SLACK, receiver.url("/chat"), fleet)), FAST_RETRY,
             Duration.ofMinutes(1), Duration.ofSeconds(1)), new SimpleMeterRegistry()).start()) {
      publish(kafka, incident);
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 1);
      publish(kafka, crashloop(fleet, "a1000000000000000000000000000001", AlertState.FIRING),
          crashloop(fleet, "a2000000000000000000000000000002", AlertState.FIRING),
          crashloop(fleet, "a3000000000000000000000000000003", AlertState.FIRING));
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 2);
      // Nothing new: no update, however many intervals pass.
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 2);
      publish(kafka, crashloop(fleet, "a4000000000000000000000000000004", AlertState.FIRING));
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 3);
      publish(kafka, Alert.newBuilder(incident).setState(AlertState.RESOLVED).setResolvedAt(Instant.parse("2026-11-27T11:00:00Z")).build());
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 4);

      List<String> chat = receiver.received().stream().map(r -> new JsonObject(r.body()).getString("text")).toList();
      assertThat(chat.get(1)).startsWith("FLEET_INCIDENT CRASHLOOP on fleet growing: 3 more devices")
          .contains("Devices a100000, a200000, a300000 joined since the last message; the alerts of 3 devices are now followed");
      assertThat(chat.get(2)).startsWith("FLEET_INCIDENT CRASHLOOP on fleet growing: 1 more device")
          .contains("Device a400000 joined since the last message; the alerts of 4 devices");
      assertThat(chat.get(3)).startsWith("Resolved: FLEET_INCIDENT CRASHLOOP");
      assertThat(receiver.received().get(3).body()).contains("4 device alerts were folded into this incident");
    }
  }

  /**
   * Issue 21: with a bot token, a Slack route posts through the Web API and edits a growing incident's own message
   * (chat.update with the ts chat.postMessage gave), instead of following it with updates; Slack's "ok": false is a
   * failed delivery, dead-lettered with Slack's reason.
   */
  @Test
  void aSlackBotRouteEditsTheIncidentsMessageAsItGrows(EmbeddedKafkaBroker kafka) throws Exception {
    String fleet = "slackbot";
    Alert incident = crashloopIncident(fleet, 5, 5);
    AtomicInteger posts = new AtomicInteger();
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (RecordingReceiver slack = new RecordingReceiver().answerWith(request -> request.body().contains("\"channel\":\"C0NOWHERE\"")
            ? "{\"ok\":false,\"error\":\"channel_not_found\"}"
            : "{\"ok\":true,\"channel\":\"C0FLEET\",\"ts\":\"1700000000.00010" + (request.path().endsWith("postMessage") ? posts.incrementAndGet() : 0) + "\"}")
        .start(0);
         Notifiers notifiers = new Notifiers(new NotifySettings(kafka.bootstrapServers(), "http://fleetpulse.example", List.of(
             new NotifyRoute("slack-bot", NotifyRoute.ReceiverType.SLACK, slack.url("/api"), null, new AlertMatch(Set.of(), Set.of(), Set.of(fleet)),
                 "xoxb-test-token", "C0FLEET"),
             new NotifyRoute("slack-lost", NotifyRoute.ReceiverType.SLACK, slack.url("/api"), null, new AlertMatch(Set.of(), Set.of(), Set.of(fleet)),
                 "xoxb-test-token", "C0NOWHERE")), FAST_RETRY, Duration.ofMinutes(1), Duration.ofSeconds(1)), metrics).start()) {
      publish(kafka, incident);
      await().atMost(Duration.ofSeconds(30)).until(() -> slack.received().size() == 2);
      publish(kafka, crashloop(fleet, "b0000000000000000000000000000001", AlertState.FIRING),
          crashloop(fleet, "b0000000000000000000000000000002", AlertState.FIRING));
      await().atMost(Duration.ofSeconds(30)).until(() -> slack.received().stream().anyMatch(request -> request.path().endsWith("chat.update")));

      RecordingReceiver.Received posted = slack.received().stream().filter(request -> request.body().contains("C0FLEET")).findFirst().orElseThrow();
      assertThat(posted.path()).isEqualTo("/api/chat.postMessage");
      assertThat(posted.headers().get("Authorization")).isEqualTo("Bearer xoxb-test-token");
      assertThat(new JsonObject(posted.body()).getString("channel")).isEqualTo("C0FLEET");
      RecordingReceiver.Received updated = slack.received().stream().filter(request -> request.path().endsWith("chat.update")).findFirst()
          .orElseThrow();
      JsonObject update = new JsonObject(updated.body());
      assertThat(update.getString("ts")).isEqualTo("1700000000.000101");
      assertThat(update.getString("channel")).isEqualTo("C0FLEET");
      assertThat(update.getString("text")).startsWith("[CRITICAL] FLEET_INCIDENT CRASHLOOP on fleet slackbot");
      assertThat(updated.body()).contains("2 more devices").contains("b000000");
      assertThat(metrics.get("fleetpulse.notifier.alerts").tag("route", "slack-lost").tag("outcome", "dead_lettered").counter().count())
          .as("Slack's ok:false is a failed delivery").isEqualTo(1);
    }
  }

  /** Issue 20: the clock that broke the VPN's TLS was two chat messages, and two resolutions; now one, and one. */
  @Test
  void theClockAndTheVpnItBrokeAreOneChatMessage(EmbeddedKafkaBroker kafka) throws Exception {
    String fleet = "rootcause";
    String device = "c10c0000000000000000000000000001";
    Alert clock = Alert.newBuilder().setId("clock-" + device).setDeviceUuid(device).setFleet(fleet).setKind(AlertKind.TIME_JUMP)
        .setSeverity(Severity.warning).setState(AlertState.FIRING).setSummary("system clock stepped back by 9 years 9 months")
        .setStartedAt(Instant.parse("2026-12-07T08:00:00Z")).build();
    Alert vpn = Alert.newBuilder().setId("vpn-" + device).setDeviceUuid(device).setFleet(fleet).setKind(AlertKind.VPN_TLS_FAILURE)
        .setSeverity(Severity.critical).setState(AlertState.FIRING).setCause("CLOCK_SKEW").setSummary("VPN TLS handshake failing")
        .setStartedAt(Instant.parse("2026-12-07T08:00:30Z")).build();
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (RecordingReceiver receiver = new RecordingReceiver().start(0);
         Notifiers notifiers = new Notifiers(settings(kafka, List.of(route("rootcause-chat", NotifyRoute.ReceiverType.MATTERMOST,
             receiver.url("/chat"), fleet))), metrics).start()) {
      // One device, one partition: the order they are written in is the order the route sees.
      publish(kafka, clock, vpn, Alert.newBuilder(vpn).setState(AlertState.RESOLVED).setResolvedAt(Instant.parse("2026-12-07T08:10:00Z")).build(),
          Alert.newBuilder(clock).setState(AlertState.RESOLVED).setResolvedAt(Instant.parse("2026-12-07T08:10:05Z")).build());

      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() >= 2);
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 2);
      assertThat(receiver.received().get(0).body()).contains("TIME_JUMP").doesNotContain("VPN_TLS_FAILURE");
      assertThat(receiver.received().get(1).body()).contains("Resolved: TIME_JUMP")
          .contains("Part of this problem and resolved with it: VPN_TLS_FAILURE.");
      assertThat(metrics.get("fleetpulse.notifier.alerts").tag("route", "rootcause-chat").tag("outcome", "folded").counter().count())
          .isEqualTo(2);
    }
  }

  /**
   * Issue 15: a device under maintenance is silenced: its alerts are not sent, nor the resolutions of those that fired
   * during the silence; an acknowledged alert is not sent again; another device's alerts go out as usual.
   */
  @Test
  void silencedAndAcknowledgedAlertsAreNotSent(EmbeddedKafkaBroker kafka) throws Exception {
    String fleet = "muting";
    String maintained = "a0000000000000000000000000005e01";
    String other = "a0000000000000000000000000005e02";
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (RecordingReceiver receiver = new RecordingReceiver().start(0);
         SilenceBook silences = new SilenceBook(kafka.bootstrapServers(), Clock.systemUTC()).start()) {
      silences.silence(fleet, maintained, Duration.ofMinutes(30), "ops", "swapping the SD card");
      Alert acked = crashloop(fleet, "a0000000000000000000000000005e03", AlertState.FIRING);
      silences.acknowledge(acked.getId(), "ops", "on it");
      Instant now = Instant.now();
      try (Notifiers notifiers = new Notifiers(settings(kafka, List.of(route("muting-hook", NotifyRoute.ReceiverType.MATTERMOST,
          receiver.url("/chat"), fleet))), metrics).muting(silences::mutes).start()) {
        publish(kafka, crashloop(fleet, maintained, AlertState.FIRING, now), crashloop(fleet, maintained, AlertState.RESOLVED, now), acked,
            crashloop(fleet, other, AlertState.FIRING));

        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.find("fleetpulse.notifier.alerts").tag("outcome", "muted")
            .counter() != null && metrics.get("fleetpulse.notifier.alerts").tag("outcome", "muted").counter().count() == 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 1);
      }
      assertThat(receiver.received().get(0).body()).contains("a000000").doesNotContain("5e01");
    }
  }

  private static JsonObject body(RecordingReceiver receiver, String path) {
    return new JsonObject(receiver.received().stream().filter(r -> r.path().equals(path)).findFirst().orElseThrow().body());
  }

  private static double oldestUndelivered(SimpleMeterRegistry metrics) {
    return metrics.get("fleetpulse.notifier.oldest.undelivered").tag("route", "down").gauge().value();
  }

  static NotifySettings settings(EmbeddedKafkaBroker kafka, List<NotifyRoute> routes) {
    return new NotifySettings(kafka.bootstrapServers(), "http://fleetpulse.example", routes, FAST_RETRY, Duration.ofMillis(500),
        NotifySettings.INCIDENT_UPDATES);
  }

  static NotifyRoute route(String name, NotifyRoute.ReceiverType type, String url, String fleet) {
    return new NotifyRoute(name, type, url, null, new AlertMatch(Set.of(), Set.of(), Set.of(fleet)));
  }

  /** A firing FLEET_INCIDENT of crash loops: {@code devices} of {@code active} devices of {@code fleet}. */
  static Alert crashloopIncident(String fleet, int devices, int active) {
    return Alert.newBuilder()
        .setId("incident-" + fleet + "-crashloop").setFleet(fleet).setKind(AlertKind.FLEET_INCIDENT).setSeverity(Severity.critical)
        .setState(AlertState.FIRING).setSubject("CRASHLOOP").setSummary(devices + " of " + active + " devices in fleet " + fleet
            + ": engine crash loops")
        .setStartedAt(Instant.parse("2026-11-27T10:00:00Z")).build();
  }

  static Alert crashloop(String fleet, String device, AlertState state) {
    return crashloop(fleet, device, state, Instant.parse("2026-11-27T10:00:00Z"));
  }

  static Alert crashloop(String fleet, String device, AlertState state, Instant startedAt) {
    return Alert.newBuilder()
        .setId("crashloop-" + device)
        .setDeviceUuid(device)
        .setFleet(fleet)
        .setKind(AlertKind.CRASHLOOP)
        .setSeverity(Severity.critical)
        .setState(state)
        .setSubject("balena.service")
        .setSummary("Container engine balena has 2 unclean restarts and may be crashlooping")
        .setHint("Check `journalctl -u balena` for why it was killed; restart the engine with `systemctl restart balena`.")
        .setStartedAt(startedAt)
        .setResolvedAt(state == AlertState.RESOLVED ? startedAt.plus(Duration.ofMinutes(30)) : null)
        .setEvidence(List.of("balena.service: Main process exited, code=killed, status=9/KILL"))
        .build();
  }

  /** A signed webhook route for {@code fleet} that retries (almost) for ever, 50-100 ms apart. */
  private static NotifySettings patientWebhook(EmbeddedKafkaBroker kafka, String name, RecordingReceiver receiver, String fleet) {
    NotifyRoute hook = new NotifyRoute(name, NotifyRoute.ReceiverType.WEBHOOK, receiver.url("/hook"), "k",
        new AlertMatch(Set.of(), Set.of(), Set.of(fleet)));
    return new NotifySettings(kafka.bootstrapServers(), "http://fleetpulse.example", List.of(hook),
        new RetryPolicy(1_000, Duration.ofMillis(50), Duration.ofMillis(100)), Duration.ofMinutes(1), NotifySettings.INCIDENT_UPDATES);
  }

  /**
   * A CRASHLOOP firing for each device, written before the route starts and all on one partition (keyed by the
   * fleet): the route's first poll takes them together, in this order.
   */
  private static void firingOnOnePartition(EmbeddedKafkaBroker kafka, String fleet, List<String> devices) throws Exception {
    try (KafkaProducer<String, Alert> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
        new StringSerializer(), FleetSerdes.alert().serializer())) {
      for (String device : devices) {
        producer.send(new ProducerRecord<>(Topics.ALERTS, fleet, crashloop(fleet, device, AlertState.FIRING))).get();
      }
    }
  }

  static void publish(EmbeddedKafkaBroker kafka, Alert... alerts) throws Exception {
    try (KafkaProducer<String, Alert> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
        new StringSerializer(), FleetSerdes.alert().serializer())) {
      for (Alert alert : alerts) {
        String key = alert.getDeviceUuid() != null ? alert.getDeviceUuid() : alert.getFleet();
        producer.send(new ProducerRecord<>(Topics.ALERTS, key, alert)).get();
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
