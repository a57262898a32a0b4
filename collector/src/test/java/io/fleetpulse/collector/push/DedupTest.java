package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.kafka.TopicReader;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Re-sent entries (same __SEQNUM_ID/__SEQNUM, or cursor) land once, also across a collector restart. */
@ExtendWith(SharedKafkaBroker.class)
class DedupTest {

  private static final PushSettings SETTINGS = new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT);

  @BeforeAll
  static void topics(EmbeddedKafkaBroker kafka) throws Exception {
    TestCollector.provisionTopics(kafka);
  }

  @Test
  void theSameBatchPushedTwiceAndAgainAfterARestartLandsOnce(EmbeddedKafkaBroker kafka) throws Exception {
    String uuid = "d0000000000000000000000000000001";
    byte[] batch = JournalUploadTest.exportOf(50);
    byte[] sameViaCursorless = """
        {"__SEQNUM_ID":"5eq","__SEQNUM":"1","_SYSTEMD_UNIT":"NetworkManager.service","MESSAGE":"a"}
        {"__SEQNUM_ID":"5eq","__SEQNUM":"2","_SYSTEMD_UNIT":"NetworkManager.service","MESSAGE":"b"}
        """.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    PublisherSettings publisher = PublisherSettings.of(kafka.bootstrapServers());

    try (TestCollector first = new TestCollector(publisher, SETTINGS)) {
      // Exported without cursors: journal-remote gives them their sequence numbers, so make a real journal's worth by hand.
      assertThat(first.post("/devices/" + uuid + "/upload", "application/vnd.fdo.journal", withCursors(batch)).body())
          .isEqualTo("{\"accepted\":50,\"duplicates\":0}");
      assertThat(first.post("/devices/" + uuid + "/upload", "application/vnd.fdo.journal", withCursors(batch)).body())
          .isEqualTo("{\"accepted\":0,\"duplicates\":50}");
      assertThat(first.post("/devices/" + uuid + "/entries", "application/x-ndjson", sameViaCursorless).body())
          .isEqualTo("{\"accepted\":2,\"duplicates\":0}");
    }
    try (TestCollector restarted = new TestCollector(publisher, SETTINGS)) {
      HttpResponse<String> again = restarted.post("/devices/" + uuid + "/upload", "application/vnd.fdo.journal", withCursors(batch));
      assertThat(again.body()).isEqualTo("{\"accepted\":0,\"duplicates\":50}");
      assertThat(restarted.post("/devices/" + uuid + "/entries", "application/x-ndjson", sameViaCursorless).body())
          .isEqualTo("{\"accepted\":0,\"duplicates\":2}");
      assertThat(restarted.meters.get("fleetpulse.collector.entries.deduplicated").tag("ingest", "push-export").counter().count())
          .isEqualTo(50);
    }

    try (TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(),
        io.fleetpulse.schemas.Topics.journalTopics())) {
      List<ConsumerRecord<String, JournalEntry>> mine = JournalUploadTest.ofDevice(reader.drain(Duration.ofSeconds(3)), uuid);
      assertThat(mine).hasSize(52);
      assertThat(mine.stream().map(record -> record.value().getSeqnumId() + "/" + record.value().getSeqnum()).distinct()).hasSize(52);
    }
  }

  /**
   * A load balancer sends a device's retry to the other replica the moment the first one answered 202 (the
   * answer was lost on the way): the second replica still recognises every entry, for each of 100 devices,
   * with no wait in between (the read barrier on the device's marks, SequenceMarkStore#upToDate).
   */
  @Test
  void aReSendReachingAnotherCollectorTheMomentAfterTheFirstAnsweredIsStillRecognised(EmbeddedKafkaBroker kafka) throws Exception {
    byte[] batch = withCursors(JournalUploadTest.exportOf(5));
    PublisherSettings publisher = PublisherSettings.of(kafka.bootstrapServers());
    List<String> devices = IntStream.range(0, 100).mapToObj(i -> String.format("d1%030d", i)).toList();

    try (TestCollector one = new TestCollector(publisher, SETTINGS); TestCollector other = new TestCollector(publisher, SETTINGS)) {
      for (String uuid : devices) {
        assertThat(one.post("/devices/" + uuid + "/upload", "application/vnd.fdo.journal", batch).body())
            .isEqualTo("{\"accepted\":5,\"duplicates\":0}");
        assertThat(other.post("/devices/" + uuid + "/upload", "application/vnd.fdo.journal", batch).body())
            .as("the retry of device %s at the other replica, at once", uuid).isEqualTo("{\"accepted\":0,\"duplicates\":5}");
      }
    }

    try (TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(),
        io.fleetpulse.schemas.Topics.journalTopics())) {
      List<ConsumerRecord<String, JournalEntry>> all = reader.drain(Duration.ofSeconds(3));
      for (String uuid : devices) {
        assertThat(JournalUploadTest.ofDevice(all, uuid)).as(uuid).hasSize(5);
      }
    }
  }

  /** Adds the cursor journald would have given each entry (the export has none before journal-remote stores it). */
  private static byte[] withCursors(byte[] export) {
    String text = new String(export, java.nio.charset.StandardCharsets.ISO_8859_1);
    StringBuilder out = new StringBuilder();
    int seqnum = 1;
    for (String entry : text.split("\n\n", -1)) {
      if (entry.isEmpty()) {
        continue;
      }
      out.append("__CURSOR=s=0123abcd;i=").append(Integer.toHexString(seqnum++)).append(";b=0;m=0;t=0;x=0\n").append(entry).append("\n\n");
    }
    return out.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
