package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.collector.ratelimit.RateLimitSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.kafka.TopicReader;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device tokens on every push endpoint: stored hashed, checked per device, as Bearer or as HTTP Basic
 * (what systemd-journal-upload sends for credentials in its URL), reloaded when the file changes; a
 * registered fleet cannot be changed by a path prefix.
 */
@ExtendWith(SharedKafkaBroker.class)
class DeviceTokenTest {

  private static final HttpClient http = HttpClient.newHttpClient();
  private static final String DEVICE = "a3000000000000000000000000000001";
  private static final String OTHER = "a3000000000000000000000000000002";
  private static final String JSON = "application/x-ndjson";
  private static final String EXPORT = "application/vnd.fdo.journal";

  @Test
  void onlyTheDevicesOwnTokenIsAcceptedAndChangesApplyWithoutARestart(EmbeddedKafkaBroker kafka, @TempDir Path dir) throws Exception {
    TestCollector.provisionTopics(kafka);
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "# device tokens\n" + DEVICE + " " + sha256("first-secret") + "\n" + OTHER + " " + sha256("other-secret") + "\n");

    try (TestCollector collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()), withTokens(tokens))) {
      assertThat(push(collector, DEVICE, "first-secret").statusCode()).isEqualTo(202);
      HttpResponse<String> none = push(collector, DEVICE, null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(challenge -> assertThat(challenge)
          .contains("Basic").contains("Bearer"));
      assertThat(push(collector, DEVICE, "other-secret").statusCode()).as("another device's token").isEqualTo(401);
      assertThat(push(collector, "a3000000000000000000000000000003", "first-secret").statusCode()).as("unknown device").isEqualTo(401);

      Files.writeString(tokens, DEVICE + " " + sha256("rotated-secret") + "\n");
      Files.setLastModifiedTime(tokens, FileTime.from(Instant.now().plusSeconds(5)));
      await().atMost(Duration.ofSeconds(20)).until(() -> push(collector, DEVICE, "rotated-secret").statusCode() == 202);
      assertThat(push(collector, DEVICE, "first-secret").statusCode()).isEqualTo(401);
      assertThat(push(collector, OTHER, "other-secret").statusCode()).as("revoked").isEqualTo(401);

      Files.writeString(tokens, "this is not a token file\n");
      Files.setLastModifiedTime(tokens, FileTime.from(Instant.now().plusSeconds(10)));
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .until(() -> push(collector, DEVICE, "rotated-secret").statusCode() == 202);
    }
  }

  /** The forged pushes of the issue: {@code /upload} and {@code /metrics} without a token, or with another device's, or into another fleet. */
  @Test
  void everyPushEndpointAsksForTheDevicesOwnToken(EmbeddedKafkaBroker kafka, @TempDir Path dir) throws Exception {
    TestCollector.provisionTopics(kafka);
    String device = "a3000000000000000000000000000011";
    String other = "a3000000000000000000000000000012";
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, device + " " + sha256("device-secret") + " harbor\n" + other + " " + sha256("other-secret") + "\n");
    byte[] export = JournalUploadTest.exportOf(3);
    byte[] line = "{\"MESSAGE\":\"hello\",\"_SYSTEMD_UNIT\":\"myapp.service\"}\n".getBytes(StandardCharsets.UTF_8);
    byte[] disk = """
        {"disk":[{"mount":"/mnt/data","sizeBytes":1000,"usedBytes":990,"availBytes":10,"at":"2026-11-27T16:00:00Z"}]}"""
        .getBytes(StandardCharsets.UTF_8);

    try (TestCollector collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()), withTokens(tokens))) {
      for (String path : List.of("/devices/" + device + "/upload", "/fleets/harbor/devices/" + device + "/upload", "/upload")) {
        assertThat(send(collector, path, EXPORT, export, null).statusCode()).as(path + " without a token").isEqualTo(401);
        assertThat(send(collector, path, EXPORT, export, bearer("other-secret")).statusCode()).as(path + ", another's token")
            .isEqualTo(401);
      }
      for (String path : List.of("/devices/" + device + "/upload", "/fleets/harbor/devices/" + device + "/entries")) {
        assertThat(send(collector, path, EXPORT, export, basic(other, "other-secret")).statusCode())
            .as(path + ", another device's Basic credential").isEqualTo(401);
      }
      assertThat(send(collector, "/devices/" + device + "/metrics", "application/json", disk, null).statusCode()).isEqualTo(401);
      assertThat(send(collector, "/devices/" + device + "/metrics", "application/json", disk, bearer("other-secret")).statusCode())
          .isEqualTo(401);
      assertThat(send(collector, "/devices/" + device + "/metrics", "application/json", disk, bearer("device-secret")).statusCode())
          .isEqualTo(202);
      byte[] facts = "{\"release\":\"3f2a1c0\"}".getBytes(StandardCharsets.UTF_8);
      assertThat(send(collector, "/devices/" + device + "/facts", "application/json", facts, null).statusCode()).isEqualTo(401);
      assertThat(send(collector, "/devices/" + device + "/facts", "application/json", facts, bearer("other-secret")).statusCode())
          .as("another device's facts").isEqualTo(401);
      assertThat(send(collector, "/devices/" + device + "/facts", "application/json", facts, bearer("device-secret")).statusCode())
          .isEqualTo(202);

      HttpResponse<String> moved = send(collector, "/fleets/forged/devices/" + device + "/upload", EXPORT, export, bearer("device-secret"));
      assertThat(moved.statusCode()).as("a registered device cannot be moved by a path prefix").isEqualTo(403);
      assertThat(moved.body()).contains("registered in fleet harbor");
      assertThat(send(collector, "/fleets/forged/devices/" + device + "/entries", JSON, line, bearer("device-secret")).statusCode())
          .isEqualTo(403);
      assertThat(send(collector, "/fleets/..hidden/devices/" + device + "/entries", JSON, line, bearer("device-secret")).statusCode())
          .as("a fleet a path could take for a directory").isEqualTo(400);

      assertThat(send(collector, "/upload", EXPORT, export, basic(device, "device-secret")).statusCode())
          .as("/upload names its device by the Basic user").isEqualTo(202);
      assertThat(send(collector, "/devices/" + other + "/entries", JSON, line, basic(other, "other-secret")).statusCode()).isEqualTo(202);
      assertThat(send(collector, "/fleets/lab/devices/" + other + "/entries", JSON, line, bearer("other-secret")).statusCode())
          .as("a device without a registered fleet names its own").isEqualTo(202);
    }

    try (TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(), Topics.journalTopics())) {
      List<ConsumerRecord<String, JournalEntry>> records = reader.until(all ->
          JournalUploadTest.ofDevice(all, device).size() >= 3 && JournalUploadTest.ofDevice(all, other).size() >= 2);
      assertThat(JournalUploadTest.ofDevice(records, device)).as("only the one accepted /upload").hasSize(3)
          .allSatisfy(record -> assertThat(record.value().getFleet()).isEqualTo("harbor"));
      assertThat(JournalUploadTest.ofDevice(records, other)).extracting(record -> record.value().getFleet())
          .containsExactlyInAnyOrder("default", "lab");
    }
  }

  /** libcurl turns {@code http://UUID:TOKEN@host/…} into HTTP Basic: the real systemd-journal-upload authenticates that way. */
  @Test
  void theRealJournalUploadAuthenticatesWithCredentialsInItsUrl(EmbeddedKafkaBroker kafka, @TempDir Path dir) throws Exception {
    SystemdPeers.assumeInstalled();
    TestCollector.provisionTopics(kafka);
    String device = "a3000000000000000000000000000021";
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, device + " " + sha256("s3cret-token") + "\n");
    Path journal = SystemdPeers.journalDirectory(Files.createDirectories(dir.resolve("journal")), JournalUploadTest.exportOf(50));

    try (TestCollector collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()), withTokens(tokens))) {
      String host = "127.0.0.1:" + collector.server.port();
      SystemdPeers.Result anonymous = SystemdPeers.upload(journal, "http://" + host + "/devices/" + device,
          dir.resolve("state-none"), List.of());
      assertThat(anonymous.exitCode()).isNotZero();
      assertThat(anonymous.output()).contains("401");
      SystemdPeers.Result wrong = SystemdPeers.upload(journal, "http://" + device + ":guessed@" + host + "/devices/" + device,
          dir.resolve("state-wrong"), List.of());
      assertThat(wrong.exitCode()).isNotZero();

      SystemdPeers.Result own = SystemdPeers.upload(journal, "http://" + device + ":s3cret-token@" + host + "/devices/" + device,
          dir.resolve("state-own"), List.of());
      assertThat(own.exitCode()).as(own.output()).isZero();
      assertThat(own.output()).doesNotContain("s3cret-token");
    }

    try (TopicReader<JournalEntry> reader = new TopicReader<>(kafka, FleetSerdes.journalEntry().deserializer(), Topics.journalTopics())) {
      List<ConsumerRecord<String, JournalEntry>> records = reader.until(all -> JournalUploadTest.ofDevice(all, device).size() >= 50);
      assertThat(JournalUploadTest.ofDevice(records, device)).hasSize(50);
    }
  }

  private static PushSettings withTokens(Path tokens) {
    return new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT, RateLimitSettings.UNLIMITED, Optional.empty(), Optional.of(tokens));
  }

  private static HttpResponse<String> push(TestCollector collector, String device, String token) throws Exception {
    return send(collector, "/devices/" + device + "/entries", JSON,
        "{\"MESSAGE\":\"hello\",\"_SYSTEMD_UNIT\":\"myapp.service\"}\n".getBytes(StandardCharsets.UTF_8),
        token == null ? null : bearer(token));
  }

  private static HttpResponse<String> send(TestCollector collector, String path, String contentType, byte[] body,
      String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(collector.url(path)))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String bearer(String token) {
    return "Bearer " + token;
  }

  private static String basic(String user, String token) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(String token) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
  }
}
