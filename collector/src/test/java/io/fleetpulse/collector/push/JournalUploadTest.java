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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The real systemd-journal-upload pushing a real journal file (CONTRACT.md: {@code POST /devices/{uuid}/upload}). */
@ExtendWith(SharedKafkaBroker.class)
class JournalUploadTest {

  private static final int ENTRIES = 100_000;
  private static final byte[] BINARY = {0, 1, 2, (byte) 0xff, '\n', (byte) 0xc3, 0x28, 'x'};
  private static final String MULTI_LINE = "Traceback (most recent call last):\n  File \"app.py\", line 3\nOSError: [Errno 5] I/O error";
  private static final List<String> UNITS = List.of("balena.service", "chronyd.service", "openvpn-resin.service", "myapp.service");

  private static TestCollector collector;

  @BeforeAll
  static void start(EmbeddedKafkaBroker kafka) throws Exception {
    SystemdPeers.assumeInstalled();
    TestCollector.provisionTopics(kafka);
    collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()),
        new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT));
  }

  @AfterAll
  static void stop() {
    if (collector != null) {
      collector.close();
    }
  }

  @Test
  void aHundredThousandEntriesLandOnceInTheirUnitTopicsWithBinaryAndMultiLineFieldsIntact(EmbeddedKafkaBroker kafka,
      @TempDir Path dir) throws Exception {
    String uuid = "b0000000000000000000000000000001";
    Path journal = SystemdPeers.journalDirectory(dir, exportOf(ENTRIES));

    SystemdPeers.Result upload = SystemdPeers.upload(journal, collector.url("/fleets/harbor/devices/" + uuid),
        dir.resolve("state"), List.of());

    assertThat(upload.exitCode()).as(upload.output()).isZero();
    try (TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(), Topics.journalTopics())) {
      List<ConsumerRecord<String, JournalEntry>> records = reader.until(all -> ofDevice(all, uuid).size() >= ENTRIES);
      List<ConsumerRecord<String, JournalEntry>> mine = ofDevice(records, uuid);
      assertThat(mine).hasSize(ENTRIES);
      Map<Long, ConsumerRecord<String, JournalEntry>> bySeqnum =
          mine.stream().collect(Collectors.toMap(record -> record.value().getSeqnum(), Function.identity()));
      assertThat(bySeqnum).hasSize(ENTRIES);
      assertThat(mine).allMatch(record -> record.topic().equals(expectedTopic(messageNumber(record.value()))));
      JournalEntry special = mine.stream().map(ConsumerRecord::value)
          .filter(entry -> entry.getBinaryFields().containsKey("BLOB")).findFirst().orElseThrow();
      assertThat(special.getBinaryFields().get("BLOB")).isEqualTo(ByteBuffer.wrap(BINARY));
      assertThat(special.getMessage()).isEqualTo(MULTI_LINE);
      assertThat(special.getFleet()).isEqualTo("harbor");
      assertThat(special.getIngest()).isEqualTo("push-export");
      assertThat(special.getCursor()).startsWith("s=");
    }
  }

  /** Entry i says "entry i" and comes from UNITS[i % 4], or the kernel every 7th; one entry has a blob and a traceback. */
  static byte[] exportOf(int count) {
    ExportWriter export = new ExportWriter();
    long start = 1_700_000_000_000_000L;
    for (int i = 0; i < count; i++) {
      export.text("__REALTIME_TIMESTAMP", Long.toString(start + i * 1000L))
          .text("__MONOTONIC_TIMESTAMP", Long.toString(5_000_000L + i * 1000L))
          .text("_BOOT_ID", "0123456789abcdef0123456789abcdef")
          .text("_HOSTNAME", "a1b2c3d")
          .text("PRIORITY", "6");
      if (i % 7 == 0) {
        export.text("_TRANSPORT", "kernel").text("SYSLOG_IDENTIFIER", "kernel");
      } else {
        String unit = UNITS.get(i % UNITS.size());
        export.text("_TRANSPORT", "stdout").text("_SYSTEMD_UNIT", unit).text("SYSLOG_IDENTIFIER", unit.replace(".service", ""))
            .text("_PID", Integer.toString(100 + i % 50));
      }
      if (i == count / 2) {
        export.binary("MESSAGE", MULTI_LINE.getBytes(StandardCharsets.UTF_8)).binary("BLOB", BINARY)
            .text("NUMBER", Integer.toString(i));
      } else {
        export.text("MESSAGE", "entry " + i).text("NUMBER", Integer.toString(i));
      }
      export.endEntry();
    }
    return export.bytes();
  }

  private static int messageNumber(JournalEntry entry) {
    return Integer.parseInt(entry.getFields().get("NUMBER"));
  }

  private static String expectedTopic(int i) {
    if (i % 7 == 0) {
      return "fleet.journal.kernel";
    }
    return switch (UNITS.get(i % UNITS.size())) {
      case "balena.service" -> "fleet.journal.balena";
      case "chronyd.service" -> "fleet.journal.chronyd";
      case "openvpn-resin.service" -> "fleet.journal.openvpn";
      default -> "fleet.journal.other";
    };
  }

  static List<ConsumerRecord<String, JournalEntry>> ofDevice(List<ConsumerRecord<String, JournalEntry>> records, String uuid) {
    return records.stream().filter(record -> record.key().equals(uuid)).toList();
  }
}
