package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.collector.ratelimit.RateLimitSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
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
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens on {@code /entries}: stored hashed, checked per device, reloaded when the file changes. */
@ExtendWith(SharedKafkaBroker.class)
class DeviceTokenTest {

  private static final HttpClient http = HttpClient.newHttpClient();
  private static final String DEVICE = "a3000000000000000000000000000001";
  private static final String OTHER = "a3000000000000000000000000000002";

  @Test
  void onlyTheDevicesOwnTokenIsAcceptedAndChangesApplyWithoutARestart(EmbeddedKafkaBroker kafka, @TempDir Path dir) throws Exception {
    TestCollector.provisionTopics(kafka);
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "# device tokens\n" + DEVICE + " " + sha256("first-secret") + "\n" + OTHER + " " + sha256("other-secret") + "\n");
    PushSettings settings = new PushSettings("127.0.0.1", 0, JournalLimits.DEFAULT, RateLimitSettings.UNLIMITED,
        Optional.empty(), Optional.of(tokens));

    try (TestCollector collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()), settings)) {
      assertThat(push(collector, DEVICE, "first-secret").statusCode()).isEqualTo(202);
      HttpResponse<String> none = push(collector, DEVICE, null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
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

  private static HttpResponse<String> push(TestCollector collector, String device, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(collector.url("/devices/" + device + "/entries")))
        .header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString("{\"MESSAGE\":\"hello\",\"_SYSTEMD_UNIT\":\"myapp.service\"}\n"));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sha256(String token) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
  }
}
