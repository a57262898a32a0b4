package io.fleetpulse.api.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.api.ApiServer;
import io.fleetpulse.api.ApiSettings;
import io.fleetpulse.api.health.Readiness;
import io.fleetpulse.api.metrics.MetricsRegistry;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.TopicProvisioner;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.FleetStreams;
import io.fleetpulse.streams.StreamsSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two api instances, each owning part of the devices: both answer for every device, never wrongly. */
@ExtendWith(SharedKafkaBroker.class)
class TwoInstancesTest {

  private static final HttpClient http = HttpClient.newHttpClient();

  /** One api instance: its streams (with application.server) and its HTTP server. */
  private record Instance(FleetStreams streams, ApiServer api, Vertx vertx) implements AutoCloseable {

    static Instance start(EmbeddedKafkaBroker kafka, Path stateDir) throws Exception {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      HostInfo self = new HostInfo("127.0.0.1", port);
      FleetStreams streams = new FleetStreams(StreamsSettings.of(kafka.bootstrapServers(), "two-instances", stateDir)
          .withOverrides(Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port)));
      streams.start();
      Vertx vertx = Vertx.vertx();
      ApiServer api = new ApiServer(new ApiSettings("127.0.0.1", port, List.of(), null, self, ApiSettings.DEFAULT_PER_DEVICE_SERIES_CAP), streams.kafkaStreams(),
          new Readiness(), MetricsRegistry.create());
      vertx.deployVerticle(api).await();
      return new Instance(streams, api, vertx);
    }

    @Override
    public void close() {
      vertx.close().await();
      streams.close();
    }
  }

  @Test
  void eachInstanceAnswersForEveryDeviceAndOnly503sWhileOwnershipMoves(EmbeddedKafkaBroker kafka, @TempDir Path a, @TempDir Path b)
      throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(2, (short) 1).provision(admin);
    }
    List<String> devices = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      devices.add(String.format("b%031x", i + 1));
    }
    try (KafkaProducer<String, JournalEntry> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
        new StringSerializer(), FleetSerdes.journalEntry().serializer())) {
      for (String device : devices) {
        producer.send(new ProducerRecord<>(Topics.journalTopicFor("balena.service"), device, kill(device))).get();
      }
    }

    try (Instance first = Instance.start(kafka, a)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> devices.stream().allMatch(device -> answer(first, device) == Answer.CORRECT));

      try (Instance second = Instance.start(kafka, b)) {
        // While the second instance joins, partitions move: every answer is right or a 503, never wrong.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
          boolean allCorrect = true;
          for (String device : devices) {
            for (Instance instance : List.of(first, second)) {
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

  private static Answer answer(Instance instance, String device) {
    HttpResponse<String> response;
    try {
      response = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + instance.api().port() + "/api/v1/devices/" + device + "/events")).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
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

  private static JournalEntry kill(String device) {
    Instant at = Instant.now().minusSeconds(60);
    return JournalEntry.newBuilder().setDeviceUuid(device).setFleet("two").setUnit("balena.service").setSyslogIdentifier("systemd")
        .setPid(1).setRealtimeUs(at.toEpochMilli() * 1000).setMessage("balena.service: Main process exited, code=killed, status=9/KILL")
        .setReceivedAt(Instant.now()).build();
  }
}
