package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.kafka.TopicReader;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code POST /devices/{uuid}/upload} over HTTP: codes and shapes as CONTRACT.md says, whatever the body. */
@ExtendWith(SharedKafkaBroker.class)
class UploadEndpointTest {

  private static final String EXPORT = "application/vnd.fdo.journal";
  private static TestCollector collector;

  @BeforeAll
  static void start(EmbeddedKafkaBroker kafka) throws Exception {
    TestCollector.provisionTopics(kafka);
    collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()),
        new PushSettings("127.0.0.1", 0, new JournalLimits(1024, 4096, 64, 256 * 1024)));
  }

  @AfterAll
  static void stop() {
    collector.close();
  }

  @Test
  void refusesAMalformedEntryByIndexAndPublishesNothingOfASmallRequest(EmbeddedKafkaBroker kafka) throws Exception {
    String uuid = "c0000000000000000000000000000001";
    byte[] body = new ExportWriter()
        .text("_SYSTEMD_UNIT", "dnsmasq.service").text("MESSAGE", "fine").endEntry()
        .text("_SYSTEMD_UNIT", "dnsmasq.service").text("__REALTIME_TIMESTAMP", "soon").text("MESSAGE", "bad").endEntry()
        .bytes();

    HttpResponse<String> response = collector.post("/devices/" + uuid + "/upload", EXPORT, body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("entry 1: field __REALTIME_TIMESTAMP is not an unsigned decimal number");
    try (TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(), List.of("fleet.journal.dnsmasq"))) {
      assertThat(reader.drain(Duration.ofSeconds(2))).noneMatch(record -> record.key().equals(uuid));
    }
  }

  @Test
  void refusesOversizedBinaryLengthsWrongTypesAndUploadsWithoutADevice() throws Exception {
    String uuid = "c0000000000000000000000000000002";
    byte[] absurd = "MESSAGE\n\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0040".getBytes(StandardCharsets.ISO_8859_1);
    HttpResponse<String> tooLarge = collector.post("/devices/" + uuid + "/upload", EXPORT, absurd);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.body()).contains("entry 0: binary field MESSAGE declares 4611686018427387904 bytes");

    HttpResponse<String> json = collector.post("/devices/" + uuid + "/upload", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(json.statusCode()).isEqualTo(415);
    assertThat(json.body()).contains(EXPORT);

    HttpResponse<String> anonymous = collector.post("/upload", EXPORT, new ExportWriter().text("MESSAGE", "x").endEntry().bytes());
    assertThat(anonymous.statusCode()).isEqualTo(400);
    assertThat(anonymous.body()).contains("/devices/{uuid}/upload");
  }

  @Test
  void randomAndMutatedBodiesGetA2xxOrA4xxOnBothEndpoints() throws Exception {
    String uuid = "c0000000000000000000000000000003";
    byte[] export = JournalUploadTest.exportOf(3);
    byte[] json = "{\"MESSAGE\":\"a\",\"_SYSTEMD_UNIT\":\"x.service\"}\n{\"MESSAGE\":[1,2],\"F\":null}\n".getBytes(StandardCharsets.UTF_8);
    Random random = new Random(42);
    for (int i = 0; i < 40; i++) {
      byte[] mutatedExport = io.fleetpulse.collector.journal.InputMutator.mutate(export, random);
      byte[] mutatedJson = io.fleetpulse.collector.journal.InputMutator.mutate(json, random);
      assertThat(collector.post("/devices/" + uuid + "/upload", EXPORT, mutatedExport).statusCode()).isBetween(200, 499);
      assertThat(collector.post("/devices/" + uuid + "/entries", "application/x-ndjson", mutatedJson).statusCode()).isBetween(200, 499);
    }
  }

  @Test
  void aLargeUploadIsPublishedInBatchesAndAMalformedEntryLateInItSaysWhatWasAccepted(EmbeddedKafkaBroker kafka) throws Exception {
    String uuid = "c0000000000000000000000000000004";
    int good = PushRequest.BATCH_ENTRIES + 10;
    ExportWriter export = new ExportWriter();
    for (int i = 0; i < good; i++) {
      export.text("__CURSOR", "s=feed;i=" + Integer.toHexString(i + 1)).text("_SYSTEMD_UNIT", "os-config.service")
          .text("MESSAGE", "entry " + i).endEntry();
    }
    byte[] cutShort = "MESSAGE=no newline, no end".getBytes(StandardCharsets.UTF_8);
    byte[] body = java.nio.ByteBuffer.allocate(export.bytes().length + cutShort.length).put(export.bytes()).put(cutShort).array();

    HttpResponse<String> response = collector.post("/devices/" + uuid + "/upload", EXPORT, body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("entry " + good + ": the body ended inside field MESSAGE");
    // How many were published depends on how the body arrived in chunks; the answer must say exactly that many.
    java.util.regex.Matcher said = java.util.regex.Pattern.compile("\\((\\d+) entries of this request were already accepted")
        .matcher(response.body());
    assertThat(said.find()).as(response.body()).isTrue();
    int accepted = Integer.parseInt(said.group(1));
    assertThat(accepted).isGreaterThanOrEqualTo(PushRequest.BATCH_ENTRIES);
    try (TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(), List.of(Topics.JOURNAL_PREFIX + "os-config"))) {
      assertThat(reader.drain(Duration.ofSeconds(2))).filteredOn(record -> record.key().equals(uuid)).hasSize(accepted);
    }
  }
}
