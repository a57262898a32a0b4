package io.fleetpulse.api.silence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.api.ApiServer;
import io.fleetpulse.api.ApiSettings;
import io.fleetpulse.api.ApiStack;
import io.fleetpulse.api.auth.ApiToken;
import io.fleetpulse.api.auth.Role;
import io.fleetpulse.api.health.Readiness;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15: an admin acknowledges a firing alert and silences a fleet for maintenance; both durable, listed, audited. */
@ExtendWith(SharedKafkaBroker.class)
class SilenceRoutesTest {

  private static final HttpClient http = HttpClient.newHttpClient();
  private static ApiStack stack;

  @BeforeAll
  static void start(EmbeddedKafkaBroker kafka, @TempDir Path stateDir) {
    stack = ApiStack.start(kafka, stateDir, "silences-test");
    await().atMost(Duration.ofSeconds(30)).until(stack.streams()::isRunning);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void aSilencedFleetsAlertsAreListedWithTheSilenceAndAnAcknowledgementSaysWho(EmbeddedKafkaBroker kafka) throws Exception {
    String device = "5e0000000000000000000000000000a1";
    Instant first = Instant.now().minusSeconds(100);
    stack.write(ApiStack.engineKilled(device, "maintained", first), ApiStack.engineKilled(device, "maintained", first.plusSeconds(30)));
    JsonObject alert = await().atMost(Duration.ofSeconds(30)).until(() -> firing("maintained"), alerts -> alerts.size() == 1).getJsonObject(0);
    assertThat(alert.containsKey("silencedBy")).isFalse();

    HttpResponse<String> created = send("POST", "/api/v1/silences?fleet=maintained&minutes=30&comment=swapping%20SD%20cards", null);
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject silence = new JsonObject(created.body());
    assertThat(silence.getString("createdBy")).isEqualTo("anonymous");
    assertThat(silence.getBoolean("active")).isTrue();
    assertThat(Duration.between(Instant.parse(silence.getString("startsAt")), Instant.parse(silence.getString("endsAt")))).isEqualTo(Duration.ofMinutes(30));
    assertThat(listed()).anySatisfy(listed -> assertThat(listed.getString("id")).isEqualTo(silence.getString("id")));
    assertThat(firing("maintained").getJsonObject(0).getString("silencedBy")).isEqualTo(silence.getString("id"));

    HttpResponse<String> acked = send("POST", "/api/v1/alerts/" + alert.getString("id") + "/acknowledge?note=on%20it", null);
    assertThat(acked.statusCode()).isEqualTo(200);
    JsonObject acknowledged = firing("maintained").getJsonObject(0).getJsonObject("acknowledged");
    assertThat(acknowledged.getString("by")).isEqualTo("anonymous");
    assertThat(acknowledged.getString("note")).isEqualTo("on it");

    // Every api instance sees them: a book that starts now reads them back from the topic.
    try (SilenceBook another = new SilenceBook(kafka.bootstrapServers(), Clock.systemUTC()).start()) {
      assertThat(another.awaitLoaded(Duration.ofSeconds(30))).isTrue();
      assertThat(another.silences()).anySatisfy(read -> assertThat(read.id()).isEqualTo(silence.getString("id")));
      assertThat(another.acknowledgement(alert.getString("id"))).hasValueSatisfying(ack -> assertThat(ack.note()).isEqualTo("on it"));
    }

    HttpResponse<String> ended = send("DELETE", "/api/v1/silences/" + silence.getString("id"), null);
    assertThat(ended.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ended.body()).getString("endedBy")).isEqualTo("anonymous");
    assertThat(listed()).anySatisfy(listed -> {
      assertThat(listed.getString("id")).isEqualTo(silence.getString("id"));
      assertThat(listed.getBoolean("active")).as("ended, still listed for the audit trail").isFalse();
    });
    assertThat(firing("maintained").getJsonObject(0).containsKey("silencedBy")).isFalse();
  }

  @Test
  void badRequestsSayWhatIsWrong() throws Exception {
    HttpResponse<String> nothing = send("POST", "/api/v1/silences?minutes=30", null);
    assertThat(nothing.statusCode()).isEqualTo(400);
    assertThat(nothing.body()).contains("device=<uuid>, or fleet=<name>");
    assertThat(send("POST", "/api/v1/silences?fleet=harbor&minutes=0", null).statusCode()).isEqualTo(400);
    assertThat(send("POST", "/api/v1/silences?device=not-a-device", null).statusCode()).isEqualTo(400);
    assertThat(send("POST", "/api/v1/silences?fleet=harbor&comment=" + "x".repeat(501), null).statusCode()).isEqualTo(400);
    assertThat(send("POST", "/api/v1/alerts/not-an-id/acknowledge", null).statusCode()).isEqualTo(400);
    assertThat(send("DELETE", "/api/v1/silences/00000000-0000-0000-0000-000000000000", null).statusCode()).isEqualTo(404);
  }

  @Test
  void onlyAnAdminSilencesAndTheAuditSaysWhichToken() throws Exception {
    ApiServer guarded = new ApiServer(new ApiSettings("127.0.0.1", 0, List.of(
        new ApiToken("support", Role.VIEWER, ApiToken.sha256Hex("viewer-secret")),
        new ApiToken("ops", Role.ADMIN, ApiToken.sha256Hex("admin-secret"))), null, null, ApiSettings.DEFAULT_PER_DEVICE_SERIES_CAP),
        stack.streams().kafkaStreams(), new Readiness(), stack.watchdog(), stack.silences(), stack.metrics());
    String deployment = stack.vertx().deployVerticle(guarded).await();
    try {
      String base = "http://127.0.0.1:" + guarded.port();
      assertThat(send(base, "POST", "/api/v1/silences?fleet=guarded", "viewer-secret").statusCode()).isEqualTo(403);
      HttpResponse<String> admin = send(base, "POST", "/api/v1/silences?fleet=guarded", "admin-secret");
      assertThat(admin.statusCode()).isEqualTo(201);
      assertThat(new JsonObject(admin.body()).getString("createdBy")).isEqualTo("ops");
      assertThat(send(base, "GET", "/api/v1/silences", "viewer-secret").statusCode()).isEqualTo(200);
    } finally {
      stack.vertx().undeploy(deployment).await();
    }
  }

  private static JsonArray firing(String fleet) throws Exception {
    return new JsonObject(send("GET", "/api/v1/alerts?state=firing&fleet=" + fleet, null).body()).getJsonArray("alerts");
  }

  private static List<JsonObject> listed() throws Exception {
    return new JsonObject(send("GET", "/api/v1/silences", null).body()).getJsonArray("silences").stream().map(JsonObject.class::cast).toList();
  }

  private static HttpResponse<String> send(String method, String path, String token) throws Exception {
    return send(stack.baseUrl(), method, path, token);
  }

  private static HttpResponse<String> send(String base, String method, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
