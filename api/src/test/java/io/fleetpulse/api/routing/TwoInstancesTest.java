package io.fleetpulse.api.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.api.ApiStack;
import io.fleetpulse.api.ApiSettings;
import io.fleetpulse.api.health.Readiness;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two api instances, each owning part of the devices: both answer for every device, never wrongly. */
@ExtendWith(SharedKafkaBroker.class)
class TwoInstancesTest {

  /** One api instance, advertising its own address to the other. */
  private static ApiStack instance(EmbeddedKafkaBroker kafka, Path stateDir) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ApiSettings settings = new ApiSettings("127.0.0.1", port, List.of(), null, new HostInfo("127.0.0.1", port),
        ApiSettings.DEFAULT_PER_DEVICE_SERIES_CAP);
    return ApiStack.start(kafka, stateDir, "two-instances", settings, streams -> new Readiness());
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
      }
    }
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
