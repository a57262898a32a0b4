package io.fleetpulse.api.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.schemas.AlertState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 20, as asked: a receiver down for five minutes, with the default settings (5 attempts 1-8 s apart, dead
 * letters sent again every 60 s, doubling up to 4x while the receiver stays down), while a dozen devices start
 * crash-looping one after another and two recover: once it is back, every alert arrives, none twice, and the
 * firings that resolved meanwhile are not sent. Takes about ten minutes: run with
 * {@code -Dfleetpulse.longTests=true -Dtest=ReceiverOutageTest} (the suite has the same at a compressed scale in
 * {@link DeadLetterReplayTest}).
 */
@ExtendWith(SharedKafkaBroker.class)
@EnabledIfSystemProperty(named = "fleetpulse.longTests", matches = "true", disabledReason = "takes ten minutes; -Dfleetpulse.longTests=true")
class ReceiverOutageTest {

  private static final Logger log = LoggerFactory.getLogger(ReceiverOutageTest.class);
  private static final Duration OUTAGE = Duration.ofMinutes(5);

  @Test
  void aReceiverDownForFiveMinutesGetsEveryAlertOnceItIsBackWithTheDefaults(EmbeddedKafkaBroker kafka) throws Exception {
    NotifiersTest.topics(kafka);
    String fleet = "outage";
    List<String> devices = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      devices.add(String.format("0a7a9e%026x", i));
    }
    List<String> recovering = devices.subList(2, 4);
    try (RecordingReceiver receiver = new RecordingReceiver().start(0)) {
      NotifyRoute hook = new NotifyRoute("outage-hook", NotifyRoute.ReceiverType.WEBHOOK, receiver.url("/hook"), "k",
          new AlertMatch(Set.of(), Set.of(), Set.of(fleet)));
      NotifySettings defaults = new NotifySettings(kafka.bootstrapServers(), "http://fleetpulse.example", List.of(hook),
          new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(1)), Duration.ofSeconds(60), NotifySettings.INCIDENT_UPDATES);
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      receiver.refuseWhileContaining(fleet);
      Instant down = Instant.now();
      try (Notifiers notifiers = new Notifiers(defaults, metrics, Duration.ofSeconds(60), Duration.ofHours(24), () -> true).start()) {
        for (String device : devices) {
          NotifiersTest.publish(kafka, NotifiersTest.crashloop(fleet, device, AlertState.FIRING));
          if (device.equals(devices.get(6))) {
            for (String recovered : recovering) {
              NotifiersTest.publish(kafka, NotifiersTest.crashloop(fleet, recovered, AlertState.RESOLVED));
            }
          }
          await().pollDelay(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(21)).until(() -> true);
        }
        await().atMost(OUTAGE).until(() -> Duration.between(down, Instant.now()).compareTo(OUTAGE) >= 0);
        assertThat(receiver.received()).as("nothing got through while the receiver was down").isEmpty();
        receiver.refuseWhileContaining(null);
        Instant back = Instant.now();
        log.info("Receiver back after {}", Duration.between(down, back));

        // 10 still firing, 2 resolutions; their firings resolved meanwhile are not sent.
        await().atMost(Duration.ofMinutes(6)).until(() -> receiver.received().size() >= devices.size());
        log.info("Every alert arrived {} after the receiver came back", Duration.between(back, Instant.now()));
        await().during(Duration.ofSeconds(70)).atMost(Duration.ofSeconds(75)).until(() -> receiver.received().size() == devices.size());
      }
      Map<String, Long> sent = receiver.received().stream().map(request -> new JsonObject(request.body()))
          .collect(Collectors.groupingBy(alert -> alert.getString("device") + ":" + alert.getString("state"), Collectors.counting()));
      assertThat(sent.values()).as("none twice: %s", sent).allMatch(count -> count == 1);
      for (String device : devices) {
        assertThat(sent).containsKey(device + (recovering.contains(device) ? ":resolved" : ":firing"));
      }
      assertThat(sent.keySet().stream().map(key -> key.substring(key.indexOf(':') + 1)).collect(Collectors.groupingBy(Function.identity(),
          Collectors.counting()))).isEqualTo(Map.of("firing", 10L, "resolved", 2L));
    }
  }
}
