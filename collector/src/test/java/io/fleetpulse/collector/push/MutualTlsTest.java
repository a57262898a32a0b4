package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.collector.ratelimit.RateLimitSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.kafka.TopicReader;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with device certificates (CN = uuid, OU = registered fleet), spoken by the real systemd-journal-upload (--key/--cert/--trust). */
@ExtendWith(SharedKafkaBroker.class)
class MutualTlsTest {

  @Test
  void aDeviceMayPushOnlyAsTheDeviceItsCertificateNames(EmbeddedKafkaBroker kafka, @TempDir Path dir) throws Exception {
    SystemdPeers.assumeInstalled();
    TestCertificates certificates = TestCertificates.create(Files.createDirectories(dir.resolve("pki")));
    String device = "a2000000000000000000000000000001";
    String other = "a2000000000000000000000000000002";
    certificates.device("device", device + "/OU=harbor");
    Path journal = SystemdPeers.journalDirectory(Files.createDirectories(dir.resolve("journal")), JournalUploadTest.exportOf(20));
    TestCollector.provisionTopics(kafka);
    PushSettings https = new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT, RateLimitSettings.UNLIMITED,
        Optional.of(certificates.serverTls(true)), Optional.empty());

    try (TestCollector collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()), https)) {
      String base = "https://127.0.0.1:" + collector.server.port();
      List<String> tls = List.of("--key=" + certificates.key("device"), "--cert=" + certificates.cert("device"),
          "--trust=" + certificates.ca());

      SystemdPeers.Result asAnother = SystemdPeers.upload(journal, base + "/devices/" + other, dir.resolve("state-other"), tls);
      assertThat(asAnother.exitCode()).isNotZero();
      assertThat(asAnother.output()).contains("403");

      SystemdPeers.Result intoAnotherFleet = SystemdPeers.upload(journal, base + "/fleets/forged/devices/" + device,
          dir.resolve("state-fleet"), tls);
      assertThat(intoAnotherFleet.exitCode()).as("the certificate's OU registers the fleet").isNotZero();
      assertThat(intoAnotherFleet.output()).contains("403");

      SystemdPeers.Result byCertificate = SystemdPeers.upload(journal, base, dir.resolve("state-cert"), tls);
      assertThat(byCertificate.exitCode()).as(byCertificate.output()).isZero();

      SystemdPeers.Result withoutCertificate = SystemdPeers.upload(journal, base + "/devices/" + device, dir.resolve("state-none"),
          List.of("--trust=" + certificates.ca(), "--key=-", "--cert=-"));
      assertThat(withoutCertificate.exitCode()).isNotZero();
    }

    try (TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(), Topics.journalTopics())) {
      List<ConsumerRecord<String, JournalEntry>> records = reader.until(all -> JournalUploadTest.ofDevice(all, device).size() >= 20);
      assertThat(JournalUploadTest.ofDevice(records, device)).hasSize(20)
          .allSatisfy(record -> assertThat(record.value().getFleet()).isEqualTo("harbor"));
      assertThat(JournalUploadTest.ofDevice(records, other)).isEmpty();
    }
  }
}
