package io.fleetpulse.collector.push;

import io.fleetpulse.collector.dedup.SequenceMarkStore;
import io.fleetpulse.collector.publish.ReportPublisher;
import io.fleetpulse.collector.publish.JournalPublisher;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.schemas.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;

/** A real push server (own Vert.x, producer and mark store) against a Kafka broker, for tests. */
final class TestCollector implements AutoCloseable {

  private static final HttpClient http = HttpClient.newHttpClient();

  final Vertx vertx = Vertx.vertx();
  final JournalPublisher publisher;
  final SequenceMarkStore marks;
  final ReportPublisher reports;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final PushServer server;

  TestCollector(PublisherSettings kafka, PushSettings settings) {
    this(kafka.bootstrapServers(), kafka, settings);
  }

  /** With the dedup marks kept on {@code marksKafka}, which may differ from where entries go. */
  TestCollector(EmbeddedKafkaBroker marksKafka, PublisherSettings kafka, PushSettings settings) {
    this(marksKafka.bootstrapServers(), kafka, settings);
  }

  private TestCollector(String marksBootstrap, PublisherSettings kafka, PushSettings settings) {
    // Collectors of different tests share the broker: each is its own instance.
    publisher = new JournalPublisher(vertx, kafka, java.util.UUID.randomUUID().toString());
    marks = new SequenceMarkStore(new PublisherSettings(marksBootstrap, kafka.deliveryTimeout(), Map.of()));
    reports = new ReportPublisher(vertx, kafka);
    server = new PushServer(settings, publisher, marks, reports, meters);
    vertx.deployVerticle(server).await();
  }

  static void provisionTopics(EmbeddedKafkaBroker kafka) throws InterruptedException {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(3, (short) 1).provision(admin);
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
    return http.send(request(path, contentType, body), HttpResponse.BodyHandlers.ofString());
  }

  /** Sent without waiting; the JDK client multiplexes such requests over one HTTP/2 connection. */
  CompletableFuture<HttpResponse<String>> postAsync(String path, String contentType, byte[] body) {
    return http.sendAsync(request(path, contentType, body), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest request(String path, String contentType, byte[] body) {
    return HttpRequest.newBuilder(URI.create(url(path)))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  @Override
  public void close() {
    vertx.close().await();
    publisher.close();
    reports.close();
  }
}
