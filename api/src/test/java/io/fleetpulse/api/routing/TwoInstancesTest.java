package io.fleetpulse.api.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.api.ApiStack;
import io.fleetpulse.api.ApiSettings;
import io.fleetpulse.api.health.Readiness;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.streams.events.DeviceEventsStore;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two api instances, each owning part of the devices: both answer for every device, never wrongly. */
@ExtendWith(SharedKafkaBroker.class)
class TwoInstancesTest {

  /** One api instance, advertising its own address to the other. */
  private static ApiStack instance(EmbeddedKafkaBroker kafka, Path stateDir) throws Exception {
    return instance(kafka, stateDir, "two-instances", Map.of());
  }

  private static ApiStack instance(EmbeddedKafkaBroker kafka, Path stateDir, String applicationId, Map<String, Object> streamsOverrides)
      throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ApiSettings settings = new ApiSettings("127.0.0.1", port, List.of(), null, new HostInfo("127.0.0.1", port),
        ApiSettings.DEFAULT_PER_DEVICE_SERIES_CAP);
    return ApiStack.start(kafka, stateDir, applicationId, settings, streams -> new Readiness(), streamsOverrides);
  }

  @Test
  void eachInstanceAnswersForEveryDeviceAndOnly503sWhileOwnershipMoves(EmbeddedKafkaBroker kafka, @TempDir Path a, @TempDir Path b)
      throws Exception {
    List<String> devices = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      devices.add(String.format("b%031x", i + 1));
    }
    try (ApiStack first = instance(kafka, a)) {
      for (String device : devices) {
        first.write(ApiStack.engineKilled(device, "two", Instant.now().minusSeconds(60)));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> devices.stream().allMatch(device -> answer(first, device) == Answer.CORRECT));

      try (ApiStack second = instance(kafka, b)) {
        // While the second instance joins, partitions move: every answer is right or a 503, never wrong.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
          boolean allCorrect = true;
          for (String device : devices) {
            for (ApiStack instance : List.of(first, second)) {
              Answer answer = answer(instance, device);
              assertThat(answer).as("answer for %s", device).isNotEqualTo(Answer.WRONG);
              allCorrect &= answer == Answer.CORRECT;
            }
          }
          return allCorrect && first.streams().isRunning() && second.streams().isRunning();
        });
        assertThat(first.streams().kafkaStreams().metadataForAllStreamsClients()).hasSize(2);

        // Without standby copies, a silent instance's part of a fleet-wide answer is missing, and the answer says so.
        second.vertx().close().toCompletionStage().toCompletableFuture().get();
        HttpResponse<String> summary = first.get("/api/v1/fleet/summary");
        assertThat(summary.statusCode()).as(summary.body()).isEqualTo(200);
        assertThat(summary.headers().firstValue(ScatterGather.PARTIAL)).hasValueSatisfying(partial ->
            assertThat(partial).contains("did not answer", "no instance holds a standby copy"));
        assertThat(new JsonObject(summary.body()).getJsonObject("partial").getJsonArray("missing")).hasSize(1);
      }
    }
  }

  /**
   * Issue 19: an instance that dies answered nothing for its devices until Kafka moved its partitions (the
   * session timeout), although the other instance held standby copies all along. Here the owner's HTTP side is
   * gone while its streams still own the partitions: the other instance answers from its standby, marked stale.
   */
  @Test
  void whenTheOwnerDoesNotAnswerTheStandbyDoesAndSaysItIsStale(EmbeddedKafkaBroker kafka, @TempDir Path a, @TempDir Path b)
      throws Exception {
    Map<String, Object> standby = Map.of(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
    List<String> devices = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      devices.add(String.format("c%031x", i + 1));
    }
    try (ApiStack first = instance(kafka, a, "standby-reads", standby); ApiStack second = instance(kafka, b, "standby-reads", standby)) {
      for (String device : devices) {
        first.write(ApiStack.engineKilled(device, "standby", Instant.now().minusSeconds(60)));
      }
      // Both instances answer every device, and the second holds a standby copy of every device the first owns.
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
          devices.stream().allMatch(device -> answer(first, device) == Answer.CORRECT && answer(second, device) == Answer.CORRECT)
              && devices.stream().map(device -> metadata(second, device))
                  .allMatch(owner -> !owner.activeHost().equals(hostOf(first)) || owner.standbyHosts().contains(hostOf(second))));
      List<String> ownedByFirst = devices.stream().filter(device -> metadata(second, device).activeHost().equals(hostOf(first))).toList();
      assertThat(ownedByFirst).as("the devices split between the instances").isNotEmpty();

      first.vertx().close().toCompletionStage().toCompletableFuture().get(); // its HTTP side is gone; its streams still own its devices
      for (String device : ownedByFirst) {
        // The standby copy may lag by its replication delay (it says so): every answer is a stale 200, soon a complete one.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          HttpResponse<String> response = second.get("/api/v1/devices/" + device + "/events");
          assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
          assertThat(response.headers().firstValue(StandbyRead.STALE)).hasValueSatisfying(stale -> assertThat(stale).startsWith("standby"));
          assertThat(new JsonObject(response.body()).getJsonArray("events")).hasSize(1);
        });
        // Each store's standby copy lags on its own: the health copy may come a moment after the events'.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(second.get("/api/v1/devices/" + device + "/health").statusCode()).isEqualTo(200));
      }
      // Fleet-wide answers too: the first instance's partitions come from the standby copies, every device listed once.
      List<String> listed = new ArrayList<>();
      String cursor = null;
      do {
        HttpResponse<String> page = second.get("/api/v1/devices?fleet=standby&limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.headers().firstValue(StandbyRead.STALE)).hasValueSatisfying(stale -> assertThat(stale).contains("standby copy"));
        JsonObject json = new JsonObject(page.body());
        json.getJsonArray("devices").stream().map(JsonObject.class::cast).forEach(row -> listed.add(row.getString("uuid")));
        assertThat(json.getJsonObject("partial").getJsonArray("missing")).isEmpty();
        cursor = json.getString("next");
      } while (cursor != null && listed.size() <= devices.size());
      assertThat(listed).containsExactlyElementsOf(devices);
      for (String path : List.of("/api/v1/fleet/summary", "/api/v1/alerts?fleet=standby")) {
        HttpResponse<String> answer = second.get(path);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(new JsonObject(answer.body()).getJsonObject("partial").getJsonArray("stale")).hasSize(1);
      }
    }
  }

  private static KeyQueryMetadata metadata(ApiStack instance, String device) {
    return instance.streams().kafkaStreams().queryMetadataForKey(DeviceEventsStore.NAME, device, Serdes.String().serializer());
  }

  private static HostInfo hostOf(ApiStack instance) {
    return new HostInfo("127.0.0.1", instance.api().port());
  }

  private enum Answer { CORRECT, UNAVAILABLE, WRONG }

  private static Answer answer(ApiStack instance, String device) {
    HttpResponse<String> response = instance.get("/api/v1/devices/" + device + "/events");
    if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()) {
      return Answer.UNAVAILABLE;
    }
    if (response.statusCode() == 200) {
      var events = new JsonObject(response.body()).getJsonArray("events");
      if (events.size() == 1 && events.getJsonObject(0).getString("summary").contains("SIGKILL")) {
        return Answer.CORRECT;
      }
    }
    return Answer.WRONG;
  }
}
