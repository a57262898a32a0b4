package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.kafka.TopicReader;
import io.fleetpulse.schemas.DeviceFacts;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.Topics;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /devices/{uuid}/facts}: what a device runs, into fleet.device.facts; anything else refused, the field named. */
@ExtendWith(SharedKafkaBroker.class)
class DeviceFactsTest {

  @Test
  void acceptsAnySubsetOfTheFactsAndRefusesAnythingElseNamingTheField(EmbeddedKafkaBroker kafka) throws Exception {
    TestCollector.provisionTopics(kafka);
    String uuid = "a5000000000000000000000000000001";
    String facts = "/fleets/harbor/devices/" + uuid + "/facts";
    try (TestCollector collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()),
        new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT))) {
      HttpResponse<String> all = collector.post(facts, "application/json",
          json("{\"os\":\"balenaOS 2.115.1+rev1\",\"supervisor\":\"14.11.2\",\"release\":\"3f2a1c0\",\"deviceType\":\"raspberrypi4-64\"}"));
      assertThat(all.statusCode()).as(all.body()).isEqualTo(202);
      assertThat(collector.post(facts, "application/json", json("{\"release\":\"9d81e07\"}")).statusCode()).isEqualTo(202);

      assertRefused(collector.post(facts, "application/json", json("{\"release\":\"3f2a1c0\",\"relase\":\"x\"}")),
          "unknown field \"relase\": facts are os, supervisor, release, deviceType");
      assertRefused(collector.post(facts, "application/json", json("{\"release\":\"" + "a".repeat(129) + "\"}")),
          "release is 129 characters, over the limit of 128");
      assertRefused(collector.post(facts, "application/json", json("{\"os\":42}")), "os must be a non-empty string");
      assertRefused(collector.post(facts, "application/json", json("{\"os\":\"\"}")), "os must be a non-empty string");
      assertRefused(collector.post(facts, "application/json", json("{\"release\":\"3f2a\\u0000c0\"}")), "release contains a control character");
      assertRefused(collector.post(facts, "application/json", json("{}")), "no facts: send at least one of os, supervisor, release, deviceType");
      assertRefused(collector.post(facts, "application/json", json("[\"3f2a1c0\"]")), "expected a JSON object");
      assertRefused(collector.post(facts, "application/json", json("{\"release\":")), "invalid JSON");
      assertThat(collector.post(facts, "application/json", json("{\"release\":\"" + "a".repeat(8000) + "\"}")).statusCode())
          .as("a body past 4 KiB is not read").isEqualTo(413);
      assertThat(collector.post(facts, "text/plain", json("{\"release\":\"3f2a1c0\"}")).statusCode()).isEqualTo(415);
    }
    try (TopicReader<DeviceFacts> reader = new TopicReader<>(kafka, FleetSerdes.deviceFacts().deserializer(), List.of(Topics.DEVICE_FACTS))) {
      reader.until(records -> records.stream().filter(r -> r.key().equals(uuid)).count() >= 2);
      List<DeviceFacts> mine = reader.drain(Duration.ofMillis(500)).stream()
          .filter(r -> r.key().equals(uuid)).map(ConsumerRecord::value).toList();
      assertThat(mine).as("only the two accepted").hasSize(2);
      assertThat(mine.get(0).getOs()).isEqualTo("balenaOS 2.115.1+rev1");
      assertThat(mine.get(0).getDeviceType()).isEqualTo("raspberrypi4-64");
      assertThat(mine.get(0).getFleet()).isEqualTo("harbor");
      assertThat(mine.get(0).getSource()).isEqualTo("push");
      assertThat(mine.get(1).getRelease()).isEqualTo("9d81e07");
      assertThat(mine.get(1).getOs()).as("not said this time").isNull();
    }
  }

  private static void assertRefused(HttpResponse<String> response, String reason) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(new JsonObject(response.body()).getString("error")).contains(reason);
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
