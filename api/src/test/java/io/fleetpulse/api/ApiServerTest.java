package io.fleetpulse.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetpulse.api.auth.ApiToken;
import io.fleetpulse.api.auth.Role;
import io.fleetpulse.api.health.Readiness;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.schemas.DeviceFacts;
import io.fleetpulse.schemas.JournalEntry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedKafkaBroker.class)
class ApiServerTest {

  private static final String DEVICE = "ab000000000000000000000000000001";
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final AtomicBoolean collectorUp = new AtomicBoolean(false);
  private static final AtomicReference<List<String>> pipelineProblems = new AtomicReference<>(List.of());
  private static ApiStack stack;

  @BeforeAll
  static void start(EmbeddedKafkaBroker kafka, @TempDir Path stateDir) {
    stack = ApiStack.start(kafka, stateDir, "api-test", ApiSettings.open("127.0.0.1", 0),
        streams -> new Readiness().require("streams", streams::isRunning).require("collector", collectorUp::get)
            .degradedWhen("pipeline", pipelineProblems::get));
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void readyOnlyWhenEveryPartIsUp() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(stack.streams()::isRunning);
    HttpResponse<String> waiting = get("/readyz");
    assertThat(waiting.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(waiting.body()).getJsonArray("waitingFor")).containsExactly("collector");

    collectorUp.set(true);
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(get("/healthz").statusCode()).isEqualTo(200);

    // Running, but part of the fleet is hidden from the streams: not ready, and the partition is named.
    pipelineProblems.set(List.of("fleet.journal.other-2: read_committed readers stuck at offset 143 for 64 s"));
    HttpResponse<String> degraded = get("/readyz");
    assertThat(degraded.statusCode()).isEqualTo(503);
    JsonObject body = new JsonObject(degraded.body());
    assertThat(body.getString("status")).isEqualTo("DEGRADED");
    assertThat(body.getJsonObject("problems").getJsonArray("pipeline").getString(0)).startsWith("fleet.journal.other-2");
    pipelineProblems.set(List.of());
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
  }

  @Test
  void servesADevicesEventsFromTheStreamsStore() throws Exception {
    Instant at = Instant.now().minusSeconds(30);
    stack.write(ApiStack.engineKilled(DEVICE, "harbor", at));

    JsonObject body = await().atMost(Duration.ofSeconds(30)).until(
        () -> new JsonObject(get("/api/v1/devices/" + DEVICE + "/events").body()),
        json -> json.containsKey("events") && json.getJsonArray("events").size() == 1);
    JsonObject event = body.getJsonArray("events").getJsonObject(0);
    assertThat(event.getString("kind")).isEqualTo("UNIT_RESTART");
    assertThat(event.getString("at")).isEqualTo(Instant.ofEpochMilli(at.toEpochMilli()).toString());
    assertThat(event.getString("summary")).isEqualTo("balena.service was killed by SIGKILL (unclean)");

    String window = "?from=" + at.plusSeconds(1) + "&to=" + Instant.now().plusSeconds(60);
    assertThat(new JsonObject(get("/api/v1/devices/" + DEVICE + "/events" + window).body()).getJsonArray("events")).isEmpty();
  }

  @Test
  void badParametersGet400WithTheReason() throws Exception {
    HttpResponse<String> badUuid = get("/api/v1/devices/XYZ/events");
    assertThat(badUuid.statusCode()).isEqualTo(400);
    assertThat(badUuid.body()).contains("device uuid");
    HttpResponse<String> zero = get("/api/v1/devices/" + DEVICE + "/events?limit=0");
    assertThat(new JsonObject(zero.body()).getString("parameter")).isEqualTo("limit");
    assertThat(new JsonObject(zero.body()).getString("allowed")).isEqualTo("a whole number between 1 and 1000");
    assertThat(get("/api/v1/devices/" + DEVICE + "/events?limit=ten").body()).contains("limit must be a whole number");
    assertThat(get("/api/v1/devices/" + DEVICE + "/events?kind=reboot").body()).contains("an event kind such as UNIT_RESTART");
    assertThat(get("/api/v1/devices/" + DEVICE + "/events?kind=I2C_TIMEOUT").statusCode()).as("a rule's kind").isNotEqualTo(400);
    assertThat(get("/api/v1/devices/" + DEVICE + "/events?to=soon").statusCode()).isEqualTo(400);
    for (String query : List.of("/api/v1/devices?status=BROKEN", "/api/v1/devices?cursor=nope", "/api/v1/devices?fleet=..",
        "/api/v1/devices?fleet=.", "/api/v1/alerts?fleet=..%2F..", "/api/v1/alerts?device=XYZ", "/api/v1/alerts?state=open",
        "/api/v1/devices?limit=1001", "/api/v1/devices?limit=1&limit=2")) {
      HttpResponse<String> bad = get(query);
      assertThat(bad.statusCode()).as(query).isEqualTo(400);
      JsonObject body = new JsonObject(bad.body());
      assertThat(query).contains(body.getString("parameter"));
      assertThat(body.getString("allowed")).as(query).isNotBlank();
    }
  }

  @Test
  void theOpenApiDocumentDescribesExactlyTheServedRoutes() throws Exception {
    HttpResponse<String> document = get("/openapi.yaml");
    assertThat(document.statusCode()).isEqualTo(200);
    JsonNode openapi = new ObjectMapper(new YAMLFactory()).readTree(document.body());
    Set<String> documented = new TreeSet<>();
    openapi.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
        .forEachRemaining(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
    Set<String> served = new TreeSet<>();
    for (Route route : stack.api().router().getRoutes()) {
      if (route.getPath() == null || route.methods() == null || route.getPath().endsWith("*")) {
        continue; // auth filters, not endpoints
      }
      String path = route.getPath().replaceAll(":([A-Za-z]+)", "{$1}");
      route.methods().forEach(method -> served.add(method.name() + " " + path));
    }
    assertThat(documented).isEqualTo(served);
  }

  @Test
  void absurdAndReversedTimeWindowsAre400NamingTheParameter() throws Exception {
    String device = "/api/v1/devices/" + DEVICE;
    HttpResponse<String> ancient = get(device + "/events?from=-999999999-01-01T00:00:00Z");
    assertThat(ancient.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(ancient.body()).getString("parameter")).isEqualTo("from");
    assertThat(new JsonObject(ancient.body()).getString("allowed")).contains("between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
    assertThat(get(device + "/history?from=-999999999-01-01T00:00:00Z").statusCode()).isEqualTo(400);
    HttpResponse<String> far = get(device + "/history?to=%2B999999999-12-31T23:59:59Z");
    assertThat(far.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(far.body()).getString("parameter")).isEqualTo("to");
    HttpResponse<String> reversed = get(device + "/events?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z");
    assertThat(reversed.statusCode()).isEqualTo(400);
    assertThat(reversed.body()).contains("must not be after to");
  }

  @Test
  void bearerTokensGuardTheApiButNotTheProbes() throws Exception {
    ApiToken viewer = new ApiToken("support", Role.VIEWER, ApiToken.sha256Hex("viewer-secret"));
    ApiToken scraper = new ApiToken("prometheus", Role.VIEWER, ApiToken.sha256Hex("scrape-secret"));
    ApiServer guarded = new ApiServer(new ApiSettings("127.0.0.1", 0, List.of(viewer), scraper, null, ApiSettings.DEFAULT_PER_DEVICE_SERIES_CAP),
        stack.streams().kafkaStreams(), new Readiness(), stack.watchdog(), stack.silences(), stack.metrics());
    String deployment = stack.vertx().deployVerticle(guarded).await();
    try {
      String events = "/api/v1/devices/" + DEVICE + "/events";
      HttpResponse<String> anonymous = get(guarded, events, null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(get(guarded, events, "wrong").statusCode()).isEqualTo(401);
      assertThat(get(guarded, events, "viewer-secret").statusCode()).isIn(200, 503);
      assertThat(get(guarded, "/healthz", null).statusCode()).isEqualTo(200);
      assertThat(get(guarded, "/readyz", null).statusCode()).isEqualTo(200);
      assertThat(get(guarded, "/metrics", null).statusCode()).isEqualTo(401);
      assertThat(get(guarded, "/metrics", "viewer-secret").statusCode()).as("any API token may scrape").isEqualTo(200);
      assertThat(get(guarded, "/metrics", "scrape-secret").statusCode()).isEqualTo(200);
      assertThat(get(guarded, events, "scrape-secret").statusCode()).as("the scrape token reads nothing else").isEqualTo(401);
    } finally {
      stack.vertx().undeploy(deployment).await();
    }
  }

  @Test
  void withApiTokensAndNoScrapeTokenMetricsNeedsAnApiToken() throws Exception {
    ApiToken viewer = new ApiToken("support", Role.VIEWER, ApiToken.sha256Hex("viewer-secret"));
    ApiServer guarded = new ApiServer(new ApiSettings("127.0.0.1", 0, List.of(viewer), null, null, ApiSettings.DEFAULT_PER_DEVICE_SERIES_CAP),
        stack.streams().kafkaStreams(), new Readiness(), stack.watchdog(), stack.silences(), stack.metrics());
    String deployment = stack.vertx().deployVerticle(guarded).await();
    try {
      assertThat(get(guarded, "/metrics", null).statusCode()).isEqualTo(401);
      assertThat(get(guarded, "/metrics", "viewer-secret").statusCode()).isEqualTo(200);
    } finally {
      stack.vertx().undeploy(deployment).await();
    }
  }

  /** Journals can hold secrets: with api.journalRole admin, a viewer's token is refused, an admin's reads. */
  @Test
  void journalsCanBeKeptToAdmins() throws Exception {
    ApiServer guarded = new ApiServer(new ApiSettings("127.0.0.1", 0, List.of(new ApiToken("support", Role.VIEWER,
        ApiToken.sha256Hex("viewer-secret")), new ApiToken("ops", Role.ADMIN, ApiToken.sha256Hex("admin-secret"))), null, null,
        ApiSettings.DEFAULT_PER_DEVICE_SERIES_CAP, Role.ADMIN), stack.streams().kafkaStreams(), new Readiness(), stack.watchdog(),
        stack.silences(), stack.metrics());
    String deployment = stack.vertx().deployVerticle(guarded).await();
    try {
      String journal = "/api/v1/devices/" + "ab".repeat(16) + "/journal";
      assertThat(get(guarded, journal, "viewer-secret").statusCode()).isEqualTo(403);
      assertThat(get(guarded, journal, "admin-secret").statusCode()).isIn(200, 404);
      assertThat(get(guarded, "/api/v1/devices/" + "ab".repeat(16) + "/events", "viewer-secret").statusCode()).isEqualTo(200);
    } finally {
      stack.vertx().undeploy(deployment).await();
    }
  }

  @Test
  void theAdminRoleGuardsTheAdminActionAndAViewerReadsThePipeline() throws Exception {
    ApiServer guarded = new ApiServer(new ApiSettings("127.0.0.1", 0, List.of(new ApiToken("support", Role.VIEWER,
        ApiToken.sha256Hex("viewer-secret")), new ApiToken("ops", Role.ADMIN, ApiToken.sha256Hex("admin-secret"))), null, null,
        ApiSettings.DEFAULT_PER_DEVICE_SERIES_CAP), stack.streams().kafkaStreams(), new Readiness(), stack.watchdog(), stack.silences(), stack.metrics());
    String deployment = stack.vertx().deployVerticle(guarded).await();
    try {
      URI abort = URI.create("http://127.0.0.1:" + guarded.port() + "/api/v1/pipeline/stalled/abort");
      HttpResponse<String> viewer = http.send(HttpRequest.newBuilder(abort).header("Authorization", "Bearer viewer-secret")
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(viewer.statusCode()).isEqualTo(403);
      assertThat(viewer.body()).contains("role VIEWER").contains("needs ADMIN");
      HttpResponse<String> admin = http.send(HttpRequest.newBuilder(abort).header("Authorization", "Bearer admin-secret")
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(admin.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(admin.body()).getJsonArray("partitions")).as("nothing is stalled here").isEmpty();
      HttpResponse<String> pipeline = get(guarded, "/api/v1/pipeline", "viewer-secret");
      assertThat(pipeline.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(pipeline.body()).getJsonArray("stalledPartitions")).isEmpty();
    } finally {
      stack.vertx().undeploy(deployment).await();
    }
  }

  private static HttpResponse<String> get(ApiServer server, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Issue 29: firing alerts are read newest first from each partition only as far as the page goes; the page must
   * still be the fleet's newest, across partitions, whatever the limit.
   */
  @Test
  void aPageOfFiringAlertsIsTheNewestAcrossPartitions() throws Exception {
    Instant first = Instant.now().minusSeconds(600);
    for (int i = 0; i < 6; i++) {
      String device = "ab00000000000000000000000000f0" + i + "0";
      Instant at = first.plusSeconds(60L * i);
      stack.write(ApiStack.engineKilled(device, "newest", at), ApiStack.engineKilled(device, "newest", at.plusSeconds(20)));
    }
    List<String> all = await().atMost(Duration.ofSeconds(30)).until(() -> firingDevices("/api/v1/alerts?state=firing&fleet=newest"),
        devices -> devices.size() == 6);

    assertThat(all).containsExactly("ab00000000000000000000000000f050", "ab00000000000000000000000000f040", "ab00000000000000000000000000f030",
        "ab00000000000000000000000000f020", "ab00000000000000000000000000f010", "ab00000000000000000000000000f000");
    for (int limit = 1; limit <= 6; limit++) {
      assertThat(firingDevices("/api/v1/alerts?state=firing&fleet=newest&limit=" + limit)).isEqualTo(all.subList(0, limit));
    }
  }

  /** Issue 15: the fleet's events over time, per kind and hour, from the topology's counters. */
  @Test
  void theFleetsEventsPerHourCountEachKind() throws Exception {
    String device = "ab0000000000000000000000000000e7";
    Instant now = Instant.now();
    stack.write(ApiStack.engineKilled(device, "hourly", now.minusSeconds(30)), ApiStack.engineKilled(device, "hourly", now.minusSeconds(10)));

    JsonObject perHour = await().atMost(Duration.ofSeconds(30)).until(() -> new JsonObject(get("/api/v1/fleet/events?fleet=hourly&hours=3").body()),
        json -> json.getJsonObject("kinds").containsKey("UNIT_RESTART"));
    assertThat(perHour.getJsonArray("hours")).hasSize(3);
    List<Integer> restarts = perHour.getJsonObject("kinds").getJsonArray("UNIT_RESTART").stream().map(Integer.class::cast).toList();
    assertThat(restarts).hasSize(3);
    assertThat(restarts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2);
    assertThat(new JsonObject(get("/api/v1/fleet/events?hours=3").body()).getJsonObject("kinds").getJsonArray("UNIT_RESTART").stream()
        .map(Integer.class::cast).reduce(0, Integer::sum)).as("all fleets").isGreaterThanOrEqualTo(2);
    assertThat(get("/api/v1/fleet/events?hours=0").statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/fleet/events?hours=49").statusCode()).isEqualTo(400);
  }

  private static List<String> firingDevices(String path) throws Exception {
    return new JsonObject(get(path).body()).getJsonArray("alerts").stream().map(JsonObject.class::cast)
        .map(alert -> alert.getString("device")).toList();
  }

  @Test
  void aCrashloopingEngineShowsInHealthHistoryAlertsDevicesAndTheSummary() throws Exception {
    String device = "ab0000000000000000000000000000c1";
    Instant first = Instant.now().minusSeconds(120);
    stack.write(ApiStack.engineKilled(device, "harbor", first), ApiStack.engineKilled(device, "harbor", first.plusSeconds(40)));

    JsonObject health = await().atMost(Duration.ofSeconds(30)).until(
        () -> new JsonObject(get("/api/v1/devices/" + device + "/health").body()),
        json -> "FAIL".equals(json.getString("status")));
    JsonObject engine = health.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(check -> check.getString("name").equals("check_container_engine")).findFirst().orElseThrow();
    assertThat(engine.getString("status")).isEqualTo("FAIL");
    assertThat(engine.getString("message")).contains("Container engine balena").contains("crashlooping");
    assertThat(health.getString("fleet")).isEqualTo("harbor");

    JsonObject alerts = new JsonObject(get("/api/v1/alerts?state=firing&device=" + device).body());
    assertThat(alerts.getJsonArray("alerts")).hasSize(1);
    JsonObject alert = alerts.getJsonArray("alerts").getJsonObject(0);
    assertThat(alert.getString("kind")).isEqualTo("CRASHLOOP");
    assertThat(alert.getString("severity")).isEqualTo("critical");
    assertThat(alert.getString("state")).isEqualTo("firing");
    assertThat(new JsonObject(get("/api/v1/alerts?state=resolved&device=" + device).body()).getJsonArray("alerts")).isEmpty();

    JsonObject failing = new JsonObject(get("/api/v1/devices?status=FAIL&fleet=harbor").body());
    assertThat(failing.getJsonArray("devices").stream().map(JsonObject.class::cast).map(row -> row.getString("uuid"))).contains(device);

    // Problems first across the fleet: every FAIL device before any other, page by page with a STATUS:uuid cursor.
    List<String> statuses = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = new JsonObject(get("/api/v1/devices?sort=status&limit=1" + (cursor == null ? "" : "&cursor=" + cursor)).body());
      page.getJsonArray("devices").stream().map(JsonObject.class::cast).forEach(row -> statuses.add(row.getString("status")));
      cursor = page.getString("next");
    } while (cursor != null && statuses.size() < 1000);
    assertThat(statuses).startsWith("FAIL").isSortedAccordingTo(java.util.Comparator.comparingInt(
        status -> List.of("FAIL", "WARN", "UNKNOWN", "OK").indexOf(status)));
    assertThat(get("/api/v1/devices?sort=status&cursor=" + device).statusCode()).as("a uuid cursor is not a status-sorted one").isEqualTo(400);
    JsonObject summary = new JsonObject(get("/api/v1/fleet/summary").body());
    assertThat(summary.getJsonObject("devices").getInteger("FAIL")).isPositive();
    assertThat(summary.getJsonObject("failingChecks").getInteger("check_container_engine")).isPositive();
    assertThat(summary.getJsonObject("firingAlerts").getInteger("CRASHLOOP")).isPositive();

    JsonObject history = new JsonObject(get("/api/v1/devices/" + device + "/history?from=" + first.minusSeconds(3600)).body());
    assertThat(history.getJsonArray("history").stream().map(JsonObject.class::cast).map(version -> version.getString("status")))
        .last().isEqualTo("FAIL");

    assertThat(get("/api/v1/devices/ab0000000000000000000000000000ff/health").statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/devices?status=BROKEN").statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/alerts?state=open").body()).contains("state must be one of [firing, resolved]");
    assertThat(get("/api/v1/devices/" + device + "/history?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z").statusCode()).isEqualTo(400);
  }

  @Test
  void anEngineRestartingFarMoreThanTheRestOfItsFleetIsAWarnInItsHealth() throws Exception {
    List<String> devices = List.of("ab0000000000000000000000000000e1", "ab0000000000000000000000000000e2", "ab0000000000000000000000000000e3",
        "ab0000000000000000000000000000e4", "ab0000000000000000000000000000e5", "ab0000000000000000000000000000e6");
    Instant now = Instant.now();
    for (String device : devices) {
      stack.write(ApiStack.chronySelected(device, "outliers", now));
    }
    // Two hours apart: never a crash loop, but 5 a day where the other five devices had none.
    for (int hoursAgo = 10; hoursAgo >= 2; hoursAgo -= 2) {
      stack.write(ApiStack.engineKilled(devices.get(0), "outliers", now.minus(Duration.ofHours(hoursAgo))));
    }

    // The fleet view judges on its 30 s wall-clock round.
    JsonObject health = await().atMost(Duration.ofSeconds(90)).until(
        () -> new JsonObject(get("/api/v1/devices/" + devices.get(0) + "/health").body()),
        json -> "WARN".equals(json.getString("status")));
    JsonObject engine = health.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(check -> check.getString("name").equals("check_container_engine")).findFirst().orElseThrow();
    assertThat(engine.getString("status")).isEqualTo("WARN");
    assertThat(engine.getString("message"))
        .isEqualTo("Container engine balena restarted uncleanly 5 times in 24 h, far more than this fleet's typical 0 (robust z 4.8)");
    JsonObject warned = new JsonObject(get("/api/v1/devices?status=WARN&fleet=outliers").body());
    assertThat(warned.getJsonArray("devices").stream().map(JsonObject.class::cast).map(row -> row.getString("uuid")))
        .containsExactly(devices.get(0));
  }

  @Test
  void devicePagesFollowTheCursor() throws Exception {
    List<String> devices = List.of("ab0000000000000000000000000000d1", "ab0000000000000000000000000000d2");
    stack.write(ApiStack.chronySelected(devices.get(0), "paging", Instant.now()), ApiStack.chronySelected(devices.get(1), "paging", Instant.now()));
    JsonObject firstPage = await().atMost(Duration.ofSeconds(30))
        .until(() -> new JsonObject(get("/api/v1/devices?fleet=paging&limit=1").body()), json -> json.getString("next") != null);
    assertThat(firstPage.getJsonArray("devices").getJsonObject(0).getString("uuid")).isEqualTo(devices.get(0));
    assertThat(firstPage.getString("next")).isEqualTo(devices.get(0));
    JsonObject secondPage = new JsonObject(get("/api/v1/devices?fleet=paging&limit=1&cursor=" + firstPage.getString("next")).body());
    assertThat(secondPage.getJsonArray("devices").getJsonObject(0).getString("uuid")).isEqualTo(devices.get(1));
    assertThat(secondPage.getString("next")).isNull();
    assertThat(get("/api/v1/devices?cursor=xyz").statusCode()).isEqualTo(400);
  }

  @Test
  void aDevicesSoftwareShowsInItsHealthAndTheDeviceListFiltersByRelease() throws Exception {
    String onNew = "ab0000000000000000000000000000f1";
    String onOld = "ab0000000000000000000000000000f2";
    String silent = "ab0000000000000000000000000000f3";
    Instant now = Instant.now();
    stack.write(ApiStack.chronySelected(onNew, "releases", now), ApiStack.chronySelected(onOld, "releases", now),
        ApiStack.chronySelected(silent, "releases", now));
    stack.write(facts(onNew, "3f2a1c0", now), facts(onOld, "9d81e07", now));

    JsonObject health = await().atMost(Duration.ofSeconds(30)).until(() -> new JsonObject(get("/api/v1/devices/" + onNew + "/health").body()),
        json -> json.getJsonObject("software") != null);
    assertThat(health.getJsonObject("software").getString("release")).isEqualTo("3f2a1c0");
    assertThat(health.getJsonObject("software").getString("os")).isEqualTo("balenaOS 2.115.1+rev1");
    assertThat(health.getJsonObject("software").getString("since")).isEqualTo(now.truncatedTo(ChronoUnit.MILLIS).toString());
    await().atMost(Duration.ofSeconds(30)).until(() -> new JsonObject(get("/api/v1/devices/" + onOld + "/health").body())
        .getJsonObject("software") != null);

    assertThat(uuids(get("/api/v1/devices?fleet=releases&release=3f2a1c0"))).containsExactly(onNew);
    assertThat(uuids(get("/api/v1/devices?fleet=releases&release=9d81e07"))).containsExactly(onOld);
    assertThat(uuids(get("/api/v1/devices?fleet=releases&release=unknown"))).containsExactly(silent);
    assertThat(new JsonObject(get("/api/v1/devices?fleet=releases").body()).getJsonArray("devices").getJsonObject(0).getString("release"))
        .isEqualTo("3f2a1c0");
    assertThat(get("/api/v1/devices?release=" + "a".repeat(129)).statusCode()).isEqualTo(400);
  }

  @Test
  void aFleetsReleasesAreJudgedInTheTopologyAndTheWorseOneRaisesARegression() throws Exception {
    Instant now = Instant.now();
    List<JournalEntry> journal = new ArrayList<>();
    List<DeviceFacts> facts = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String device = String.format("ad%030d", i);
      boolean onNew = i >= 6;
      facts.add(DeviceFacts.newBuilder().setDeviceUuid(device).setFleet("rollout").setOs("balenaOS 2.115.1+rev1")
          .setRelease(onNew ? "3f2a1c0" : "9d81e07").setSource("push").setAt(now.minus(Duration.ofHours(onNew ? 25 : 26))).build());
      for (int hour = 24; hour >= 0; hour--) {
        Instant at = now.minus(Duration.ofHours(hour));
        journal.add(ApiStack.chronySelected(device, "rollout", at));
        if (onNew && hour % 2 == 0) {
          journal.add(ApiStack.engineKilled(device, "rollout", at.plusSeconds(30)));
        }
      }
    }
    stack.write(facts.toArray(DeviceFacts[]::new));
    stack.write(journal.toArray(JournalEntry[]::new));

    JsonObject releases = await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
        .until(() -> new JsonObject(get("/api/v1/fleets/rollout/releases").body()),
            json -> json.getJsonArray("releases").size() == 2 && !json.getJsonArray("releases").getJsonObject(1).getJsonArray("regression").isEmpty());
    JsonObject older = releases.getJsonArray("releases").getJsonObject(0);
    JsonObject newer = releases.getJsonArray("releases").getJsonObject(1);
    assertThat(older.getString("release")).isEqualTo("9d81e07");
    assertThat(newer.getString("release")).isEqualTo("3f2a1c0");
    assertThat(newer.getString("previous")).isEqualTo("9d81e07");
    assertThat(newer.getInteger("devices")).isEqualTo(6);
    assertThat(newer.getString("os")).isEqualTo("balenaOS 2.115.1+rev1");
    assertThat(newer.getDouble("deviceDays")).isBetween(5.5, 6.5);
    assertThat(newer.getJsonObject("events").getInteger("UNIT_RESTART")).isEqualTo(78);
    assertThat(newer.getJsonObject("vsPrevious").getJsonObject("UNIT_RESTART").getValue("ratio")).as("none on the old release").isNull();
    assertThat(newer.getJsonArray("regression").getList()).contains("UNIT_RESTART");
    assertThat(older.getJsonArray("regression").getList()).isEmpty();

    JsonObject alerts = await().atMost(Duration.ofSeconds(30)).until(() -> new JsonObject(get("/api/v1/alerts?fleet=rollout").body()),
        json -> json.getJsonArray("alerts").stream().anyMatch(a -> "RELEASE_REGRESSION".equals(((JsonObject) a).getString("kind"))));
    JsonObject regression = alerts.getJsonArray("alerts").stream().map(JsonObject.class::cast)
        .filter(a -> "RELEASE_REGRESSION".equals(a.getString("kind"))).findFirst().orElseThrow();
    assertThat(regression.getString("subject")).isEqualTo("3f2a1c0");
    assertThat(regression.getString("summary")).startsWith("release 3f2a1c0: ").contains("on 6 of 6 devices").contains("on 9d81e07");
    assertThat(get("/api/v1/fleets/..%2F/releases").statusCode()).isEqualTo(400);
    assertThat(new JsonObject(get("/api/v1/fleets/nobody-here/releases").body()).getJsonArray("releases")).isEmpty();
  }

  private static DeviceFacts facts(String device, String release, Instant at) {
    return DeviceFacts.newBuilder().setDeviceUuid(device).setFleet("releases").setOs("balenaOS 2.115.1+rev1").setRelease(release)
        .setSource("push").setAt(at).build();
  }

  private static List<String> uuids(HttpResponse<String> devices) {
    return new JsonObject(devices.body()).getJsonArray("devices").stream().map(row -> ((JsonObject) row).getString("uuid")).toList();
  }

  /**
   * Paging walked each partition's store one after the other, so a page held the lowest uuids of the first partitions
   * only and its cursor skipped the other partitions' devices below it: 17 of 68 devices were ever listed on a
   * three-broker cluster. Every device once, in order, whatever the partition it lives on.
   */
  @Test
  void pagingListsEveryDeviceOfEveryPartitionOnceInOrder() throws Exception {
    List<String> devices = new ArrayList<>();
    List<io.fleetpulse.schemas.JournalEntry> entries = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String device = String.format(Locale.ROOT, "ac%030x", (i * 7919L) % 1000);
      devices.add(device);
      entries.add(i % 3 == 0 ? ApiStack.engineKilled(device, "many-pages", Instant.now()) : ApiStack.chronySelected(device, "many-pages", Instant.now()));
    }
    stack.write(entries.toArray(io.fleetpulse.schemas.JournalEntry[]::new));
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> new JsonObject(get("/api/v1/devices?fleet=many-pages&limit=1000").body())
        .getJsonArray("devices").size() == devices.size());

    for (String sort : List.of("uuid", "status")) {
      List<String> listed = new ArrayList<>();
      String cursor = null;
      do {
        JsonObject page = new JsonObject(get("/api/v1/devices?fleet=many-pages&limit=4&sort=" + sort + (cursor == null ? "" : "&cursor=" + cursor)).body());
        page.getJsonArray("devices").stream().map(JsonObject.class::cast).forEach(row -> listed.add(row.getString("uuid")));
        cursor = page.getString("next");
      } while (cursor != null && listed.size() <= devices.size());
      assertThat(listed).as("sorted by %s", sort).hasSize(devices.size()).containsExactlyInAnyOrderElementsOf(devices);
      if (sort.equals("uuid")) {
        assertThat(listed).isSorted();
      }
    }
  }

  /**
   * Issue 20: an SSH device's collector state was only on a topic; a device streaming with nothing logged yet was
   * nowhere in REST. Both are listed by /collector/devices, and the device's health carries its collector state.
   */
  @Test
  void theCollectorsDevicesAndTheirStatesAreListedThoseWithoutEntriesToo(EmbeddedKafkaBroker kafka) throws Exception {
    String quiet = "ae000000000000000000000000000001";
    String talking = "ae000000000000000000000000000002";
    String refused = "ae000000000000000000000000000003";
    Instant now = Instant.now();
    stack.write(ApiStack.chronySelected(talking, "ssh-fleet", now));
    try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, io.fleetpulse.schemas.DeviceStatus>(
        java.util.Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()), new org.apache.kafka.common.serialization.StringSerializer(),
        io.fleetpulse.schemas.FleetSerdes.deviceStatus().serializer())) {
      for (String device : List.of(quiet, talking, refused)) {
        io.fleetpulse.schemas.ConnectionState state = device.equals(refused)
            ? io.fleetpulse.schemas.ConnectionState.HOST_KEY_MISMATCH : io.fleetpulse.schemas.ConnectionState.STREAMING;
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(io.fleetpulse.schemas.Topics.COLLECTOR_STATUS, device,
            io.fleetpulse.schemas.DeviceStatus.newBuilder().setDeviceUuid(device).setFleet("ssh-fleet").setState(state).setSince(now)
                .setDetail(device.equals(refused) ? "host key changed: SHA256:old… now SHA256:new…" : null).setAt(now).build())).get();
      }
    }
    JsonObject listed = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> new JsonObject(get("/api/v1/collector/devices?fleet=ssh-fleet&limit=2").body()),
            json -> json.getJsonArray("devices").size() == 2 && json.getString("next") != null
                && json.getJsonArray("devices").getJsonObject(1).getString("lastEntryAt") != null);
    assertThat(listed.getJsonArray("devices").stream().map(JsonObject.class::cast).map(row -> row.getString("uuid")))
        .containsExactly(quiet, talking);
    assertThat(listed.getJsonArray("devices").getJsonObject(0).getString("lastEntryAt")).as("connected, nothing logged yet").isNull();
    JsonObject rest = new JsonObject(get("/api/v1/collector/devices?fleet=ssh-fleet&cursor=" + listed.getString("next")).body());
    assertThat(rest.getJsonArray("devices")).hasSize(1);
    assertThat(rest.getJsonArray("devices").getJsonObject(0).getString("state")).isEqualTo("HOST_KEY_MISMATCH");
    assertThat(rest.getJsonArray("devices").getJsonObject(0).getString("detail")).contains("host key changed");
    assertThat(new JsonObject(get("/api/v1/collector/devices?fleet=ssh-fleet&state=HOST_KEY_MISMATCH").body()).getJsonArray("devices"))
        .hasSize(1);
    assertThat(get("/api/v1/collector/devices?state=ASLEEP").statusCode()).isEqualTo(400);

    JsonObject quietHealth = new JsonObject(get("/api/v1/devices/" + quiet + "/health").body());
    assertThat(quietHealth.getString("status")).isEqualTo("UNKNOWN");
    assertThat(quietHealth.getJsonObject("collector").getString("state")).isEqualTo("STREAMING");
    JsonObject talkingHealth = new JsonObject(get("/api/v1/devices/" + talking + "/health").body());
    assertThat(talkingHealth.getJsonObject("collector").getString("lastEntryAt")).isNotNull();
  }

  /** Events page with a cursor too, even when several share a millisecond: every event once, newest first. */
  @Test
  void eventPagesFollowTheCursorThroughEventsOfTheSameMillisecond() throws Exception {
    String device = "ab0000000000000000000000000000f5";
    Instant base = Instant.now().minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    stack.write(ApiStack.engineKilled(device, "event-paging", base), ApiStack.engineKilled(device, "event-paging", base.plusSeconds(10)),
        ApiStack.engineKilled(device, "event-paging", base.plusSeconds(10)), ApiStack.engineKilled(device, "event-paging", base.plusSeconds(20)),
        ApiStack.engineKilled(device, "event-paging", base.plusSeconds(30)));
    String all = "/api/v1/devices/" + device + "/events";
    await().atMost(Duration.ofSeconds(30)).until(() -> new JsonObject(get(all).body()).getJsonArray("events").size() == 5);

    List<String> times = new java.util.ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = new JsonObject(get(all + "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).body());
      page.getJsonArray("events").forEach(event -> times.add(((JsonObject) event).getString("at")));
      cursor = page.getString("next");
      pages++;
    } while (cursor != null && pages < 10);

    assertThat(pages).isEqualTo(3);
    assertThat(times).containsExactly(base.plusSeconds(30).toString(), base.plusSeconds(20).toString(),
        base.plusSeconds(10).toString(), base.plusSeconds(10).toString(), base.toString());
    HttpResponse<String> bad = get(all + "?cursor=yesterday");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getString("parameter")).isEqualTo("cursor");
  }

  private static HttpResponse<String> get(String path) {
    return stack.get(path);
  }
}
