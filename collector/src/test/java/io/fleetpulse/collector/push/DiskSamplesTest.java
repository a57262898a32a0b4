package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.kafka.TopicReader;
import io.fleetpulse.schemas.DiskSample;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.Topics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /devices/{uuid}/metrics}: disk samples into fleet.metrics.disk, bad samples named. */
@ExtendWith(SharedKafkaBroker.class)
class DiskSamplesTest {

  @Test
  void acceptsDiskSamplesAndNamesTheBadOne(EmbeddedKafkaBroker kafka) throws Exception {
    TestCollector.provisionTopics(kafka);
    String uuid = "a4000000000000000000000000000001";
    try (TestCollector collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()),
        new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT))) {
      HttpResponse<String> ok = collector.post("/fleets/harbor/devices/" + uuid + "/metrics", "application/json", json("""
          {"disk":[{"mount":"/mnt/data","sizeBytes":1000,"usedBytes":990,"availBytes":10,"at":"2026-11-27T16:00:00Z"},
                   {"mount":"/","sizeBytes":300,"usedBytes":100,"availBytes":200,"at":"2026-11-27T16:00:00Z"}]}"""));
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
      assertThat(ok.body()).isEqualTo("{\"accepted\":2}");

      HttpResponse<String> bad = collector.post("/devices/" + uuid + "/metrics", "application/json", json("""
          {"disk":[{"mount":"/","sizeBytes":1,"usedBytes":1,"availBytes":0,"at":"2026-11-27T16:00:00Z"},
                   {"mount":"/x","sizeBytes":-5,"usedBytes":1,"availBytes":0,"at":"2026-11-27T16:00:00Z"}]}"""));
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("disk[1]: sizeBytes must be a whole number of bytes >= 0");
      assertThat(collector.post("/devices/" + uuid + "/metrics", "application/json", json("{\"disk\":[{\"mount\":\"/\","
          + "\"sizeBytes\":1,\"usedBytes\":1,\"availBytes\":0,\"at\":\"yesterday\"}]}")).body()).contains("disk[0]: at must be an RFC 3339");
      assertThat(collector.post("/devices/" + uuid + "/metrics", "application/json", json("[1,2]")).body()).contains("expected {\\\"disk\\\"");
      assertThat(collector.post("/devices/" + uuid + "/metrics", "text/plain", json("{}")).statusCode()).isEqualTo(415);
    }
    try (TopicReader<DiskSample> reader = new TopicReader<>(kafka, FleetSerdes.diskSample().deserializer(), List.of(Topics.METRICS_DISK))) {
      List<DiskSample> samples = reader.until(all -> all.stream().filter(r -> r.key().equals(uuid)).count() >= 2).stream()
          .filter(r -> r.key().equals(uuid)).map(ConsumerRecord::value).toList();
      assertThat(samples).hasSize(2);
      DiskSample data = samples.stream().filter(s -> s.getMount().equals("/mnt/data")).findFirst().orElseThrow();
      assertThat(data.getAvailBytes()).isEqualTo(10);
      assertThat(data.getFleet()).isEqualTo("harbor");
      assertThat(data.getAt()).isEqualTo(Instant.parse("2026-11-27T16:00:00Z"));
      assertThat(data.getSource()).isEqualTo("push");
    }
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
