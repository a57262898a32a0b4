package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.JournalFixtures;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.kafka.TopicReader;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafkaBroker.class)
class PushServerTest {

  private static TestCollector collector;

  @BeforeAll
  static void start(EmbeddedKafkaBroker kafka) throws Exception {
    TestCollector.provisionTopics(kafka);
    collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()),
        new PushSettings("127.0.0.1", 0, new JournalLimits(1024, 4096, 64, 64 * 1024)));
  }

  @AfterAll
  static void stop() {
    collector.close();
  }

  @Test
  void acceptsJournalctlJsonAndRoutesSystemdMessagesToTheUnitTheyAreAbout(EmbeddedKafkaBroker kafka) throws Exception {
    String uuid = "a0000000000000000000000000000001";
    HttpResponse<String> response = post("/fleets/harbor/devices/" + uuid + "/entries", "application/x-ndjson",
        JournalFixtures.masterclass("00-s2_1-L174.ndjson"));

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).contains("\"accepted\":5");
    try (TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(), List.of("fleet.journal.balena"))) {
      List<JournalEntry> entries = reader.until(records -> ofDevice(records, uuid).size() == 5).stream()
          .filter(record -> record.key().equals(uuid)).map(ConsumerRecord::value).toList();
      JournalEntry exit = entries.stream().filter(e -> e.getMessage().contains("Main process exited")).findFirst().orElseThrow();
      assertThat(exit.getUnit()).isEqualTo("balena.service");
      assertThat(exit.getSyslogIdentifier()).isEqualTo("systemd");
      assertThat(exit.getFleet()).isEqualTo("harbor");
      assertThat(exit.getPid()).isEqualTo(1);
      assertThat(exit.getRealtimeUs()).isPositive();
      assertThat(exit.getFields()).containsEntry("_SYSTEMD_UNIT", "init.scope");
      assertThat(entries).allMatch(e -> e.getDeviceUuid().equals(uuid) && e.getIngest().equals("push-json"));
    }
  }

  @Test
  void mapsOldBalenaOsUnitNamesAndKeepsBinaryMessages(EmbeddedKafkaBroker kafka) throws Exception {
    String uuid = "a0000000000000000000000000000002";
    String body = """
        {"__SEQNUM":"7","_SYSTEMD_UNIT":"resin-supervisor.service","SYSLOG_IDENTIFIER":"resin-supervisor","MESSAGE":"Supervisor API: GET /v1/healthy 200"}
        {"__SEQNUM":"8","_SYSTEMD_UNIT":"balena.service","SYSLOG_IDENTIFIER":"2da77adc4b3d","MESSAGE":[255,104,105,10]}
        {"__SEQNUM":"9","_TRANSPORT":"kernel","MESSAGE":"Under-voltage detected! (0x00050005)","BIG":null}
        """;
    assertThat(post("/devices/" + uuid + "/entries", "application/json", body).statusCode()).isEqualTo(202);

    try (TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(), Topics.journalTopics())) {
      List<ConsumerRecord<String, JournalEntry>> records = ofDevice(reader.until(all -> ofDevice(all, uuid).size() == 3), uuid);
      assertThat(records).extracting(ConsumerRecord::topic)
          .containsExactlyInAnyOrder("fleet.journal.balena-supervisor", "fleet.journal.balena", "fleet.journal.kernel");
      JournalEntry supervisor = value(records, "fleet.journal.balena-supervisor");
      assertThat(supervisor.getUnit()).isEqualTo("balena-supervisor.service");
      assertThat(supervisor.getFleet()).isEqualTo("default");
      JournalEntry binary = value(records, "fleet.journal.balena");
      assertThat(binary.getMessageBytes()).isEqualTo(ByteBuffer.wrap(new byte[] {(byte) 255, 'h', 'i', '\n'}));
      assertThat(binary.getMessage()).isEqualTo("\uFFFDhi\n");
      JournalEntry kernel = value(records, "fleet.journal.kernel");
      assertThat(kernel.getUnit()).isEqualTo("kernel");
      assertThat(kernel.getFields()).containsEntry("_FLEETPULSE_OMITTED_FIELDS", "BIG");
    }
  }

  @Test
  void refusesAMalformedEntryByIndexAndPublishesNothingOfTheRequest(EmbeddedKafkaBroker kafka) throws Exception {
    String uuid = "a0000000000000000000000000000003";
    String body = """
        {"__SEQNUM":"1","_SYSTEMD_UNIT":"dnsmasq.service","MESSAGE":"fine"}
        {"__SEQNUM":"2","_SYSTEMD_UNIT":"dnsmasq.service","MESSAGE":"also fine"}
        {"__SEQNUM":"3","_SYSTEMD_UNIT":"dnsmasq.service","__REALTIME_TIMESTAMP":"yesterday","MESSAGE":"bad"}
        """;
    HttpResponse<String> response = post("/devices/" + uuid + "/entries", "application/x-ndjson", body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("entry 2: field __REALTIME_TIMESTAMP is not an unsigned decimal number");
    try (TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(), List.of("fleet.journal.dnsmasq"))) {
      assertThat(ofDevice(reader.drain(Duration.ofSeconds(2)), uuid)).isEmpty();
    }
  }

  @Test
  void refusesInvalidJsonBinaryValuesAndOversizedEntries() throws Exception {
    String uuid = "a0000000000000000000000000000004";
    assertThat(post("/devices/" + uuid + "/entries", "application/x-ndjson", "{\"MESSAGE\": \"unterminated\n").body())
        .contains("entry 0: invalid JSON");
    assertThat(post("/devices/" + uuid + "/entries", "application/x-ndjson", "{\"MESSAGE\":[1,2,300]}").body())
        .contains("entry 0: field MESSAGE: byte value 300 is outside 0..255");
    HttpResponse<String> tooLong = post("/devices/" + uuid + "/entries", "application/x-ndjson",
        "{\"MESSAGE\":\"ok\"}\n{\"MESSAGE\":\"" + "x".repeat(5000) + "\"}\n");
    assertThat(tooLong.statusCode()).isEqualTo(413);
    assertThat(tooLong.body()).contains("entry 1").contains("limit of 4096");
  }

  @Test
  void refusesBadUuidsFleetsAndContentTypes() throws Exception {
    assertThat(post("/devices/NOT-A-UUID/entries", "application/x-ndjson", "{}").statusCode()).isEqualTo(400);
    assertThat(post("/fleets/bad%20fleet/devices/a0000000000000000000000000000005/entries", "application/x-ndjson", "{}").statusCode())
        .isEqualTo(400);
    HttpResponse<String> form = post("/devices/a0000000000000000000000000000005/entries", "application/x-www-form-urlencoded", "{}");
    assertThat(form.statusCode()).isEqualTo(415);
    assertThat(form.body()).contains("application/x-ndjson");
  }

  @Test
  void pushesOfOneDeviceSentAtOnceAreEachTakenInTurn() throws Exception {
    // Over HTTP/2 a push can arrive whole while it waits for the device's previous one to be committed.
    String uuid = "a0000000000000000000000000000007";
    // The first request upgrades the client's connection to HTTP/2 (h2c); the rest share it.
    assertThat(post("/devices/" + uuid + "/entries", "application/x-ndjson", "{\"MESSAGE\":\"hello\"}\n").statusCode()).isEqualTo(202);
    List<CompletableFuture<HttpResponse<String>>> pushes = new ArrayList<>();
    for (int push = 0; push < 20; push++) {
      pushes.add(collector.postAsync("/devices/" + uuid + "/entries", "application/x-ndjson", ("{\"__SEQNUM_ID\":\"at-once-" + push
          + "\",\"__SEQNUM\":\"1\",\"MESSAGE\":\"push " + push + "\",\"_SYSTEMD_UNIT\":\"chronyd.service\"}\n")
          .getBytes(StandardCharsets.UTF_8)));
    }
    for (CompletableFuture<HttpResponse<String>> push : pushes) {
      HttpResponse<String> response = push.get(1, TimeUnit.MINUTES);
      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(response.statusCode()).isEqualTo(202);
      assertThat(response.body()).isEqualTo("{\"accepted\":1,\"duplicates\":0}");
    }
  }

  @Test
  void answers503WithRetryAfterWhenKafkaIsUnreachable(EmbeddedKafkaBroker kafka) throws Exception {
    // The mark store reaches the real broker (start-up needs it); only the entries' producer cannot.
    PublisherSettings deadKafka = new PublisherSettings("127.0.0.1:1", Duration.ofSeconds(2), Map.of());
    try (TestCollector dead = new TestCollector(kafka, deadKafka, new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT))) {
      HttpResponse<String> response = dead.post("/devices/a0000000000000000000000000000006/entries", "application/x-ndjson",
          "{\"MESSAGE\":\"hello\",\"_SYSTEMD_UNIT\":\"chronyd.service\"}\n".getBytes(StandardCharsets.UTF_8));

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
      assertThat(response.body()).contains("retry later");
    }
  }

  private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    return collector.post(path, contentType, body.getBytes(StandardCharsets.UTF_8));
  }
  private static List<ConsumerRecord<String, JournalEntry>> ofDevice(List<ConsumerRecord<String, JournalEntry>> records, String uuid) {
    return records.stream().filter(record -> record.key().equals(uuid)).toList();
  }

  private static JournalEntry value(List<ConsumerRecord<String, JournalEntry>> records, String topic) {
    return records.stream().filter(record -> record.topic().equals(topic)).findFirst().orElseThrow().value();
  }
}
