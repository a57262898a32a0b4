package io.fleetpulse.api;

import io.fleetpulse.api.health.Readiness;
import io.fleetpulse.api.metrics.MetricsRegistry;
import io.fleetpulse.api.pipeline.PipelineWatchdog;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.schemas.DiskSample;
import io.fleetpulse.schemas.FleetSerdes;
import java.util.List;
import org.apache.kafka.common.serialization.Serializer;
import io.fleetpulse.schemas.DeviceFacts;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.TopicProvisioner;
import io.fleetpulse.api.silence.SilenceBook;
import java.time.Clock;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.FleetStreams;
import io.fleetpulse.streams.StreamsSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What api tests run against: the real topology on the shared broker and an {@link ApiServer} in
 * front of it, with the metrics wiring of production. Tests write journal entries straight to the
 * unit topics, as the collector would.
 */
public final class ApiStack implements AutoCloseable {

  public static final int PARTITIONS = 2;
  private static final HttpClient http = HttpClient.newHttpClient();

  private final EmbeddedKafkaBroker kafka;
  private final FleetStreams streams;
  private final Vertx vertx;
  private final ApiServer api;
  private final PrometheusMeterRegistry metrics;
  private final SilenceBook silences;
  private final PipelineWatchdog watchdog;

  private ApiStack(EmbeddedKafkaBroker kafka, FleetStreams streams, Vertx vertx, ApiServer api, PipelineWatchdog watchdog,
      SilenceBook silences, PrometheusMeterRegistry metrics) {
    this.kafka = kafka;
    this.silences = silences;
    this.streams = streams;
    this.vertx = vertx;
    this.api = api;
    this.watchdog = watchdog;
    this.metrics = metrics;
  }

  /** The pipeline watchdog behind {@code /api/v1/pipeline} (reporting only). */
  public PipelineWatchdog watchdog() {
    return watchdog;
  }

  /** A single api instance without authentication. */
  public static ApiStack start(EmbeddedKafkaBroker kafka, Path stateDir, String applicationId) {
    return start(kafka, stateDir, applicationId, ApiSettings.open("127.0.0.1", 0), streams -> new Readiness());
  }

  /**
   * An api instance with these settings; its streams advertise {@code settings.advertised()} to the
   * other instances of {@code applicationId}.
   */
  public static ApiStack start(EmbeddedKafkaBroker kafka, Path stateDir, String applicationId, ApiSettings settings,
                               Function<FleetStreams, Readiness> readiness) {
    return start(kafka, stateDir, applicationId, settings, readiness, Map.of());
  }

  /** The same, with Kafka Streams settings of the test's own (standby replicas, say). */
  public static ApiStack start(EmbeddedKafkaBroker kafka, Path stateDir, String applicationId, ApiSettings settings,
                               Function<FleetStreams, Readiness> readiness, Map<String, Object> streamsOverrides) {
    provisionTopics(kafka);
    Map<String, Object> overrides = new HashMap<>(streamsOverrides);
    if (settings.advertised() != null) {
      overrides.put(StreamsConfig.APPLICATION_SERVER_CONFIG, settings.advertised().host() + ":" + settings.advertised().port());
    }
    StreamsSettings streamsSettings = StreamsSettings.of(kafka.bootstrapServers(), applicationId, stateDir).withOverrides(overrides);
    PrometheusMeterRegistry metrics = MetricsRegistry.create();
    FleetStreams streams = new FleetStreams(streamsSettings, metrics);
    MetricsRegistry.bindStreams(metrics, streams.kafkaStreams());
    streams.start();
    Vertx vertx = MetricsRegistry.vertx(metrics);
    PipelineWatchdog watchdog = new PipelineWatchdog(new PipelineWatchdog.Settings(kafka.bootstrapServers(), applicationId,
        PipelineWatchdog.topicPrefixes(applicationId), Duration.ofSeconds(2), Duration.ofSeconds(60), false), metrics).start();
    SilenceBook silences = new SilenceBook(kafka.bootstrapServers(), Clock.systemUTC()).start();
    ApiServer api = new ApiServer(settings, streams.kafkaStreams(), readiness.apply(streams), watchdog, silences, metrics);
    vertx.deployVerticle(api).await();
    return new ApiStack(kafka, streams, vertx, api, watchdog, silences, metrics);
  }

  public static void provisionTopics(EmbeddedKafkaBroker kafka) {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(PARTITIONS, (short) 1).provision(admin);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public FleetStreams streams() {
    return streams;
  }

  /** The silences and acknowledgements the API sets and shows alerts with. */
  public SilenceBook silences() {
    return silences;
  }

  public Vertx vertx() {
    return vertx;
  }

  public ApiServer api() {
    return api;
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + api.port();
  }

  public HttpResponse<String> get(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Writes entries to their unit topics, keyed by device, as the collector does. */
  public void write(JournalEntry... entries) throws Exception {
    send(FleetSerdes.journalEntry().serializer(), List.of(entries), entry -> Topics.journalTopicFor(entry.getUnit()), JournalEntry::getDeviceUuid);
  }

  /** Writes df samples to fleet.metrics.disk, keyed by device, as the collector does. */
  public void write(DiskSample... samples) throws Exception {
    send(FleetSerdes.diskSample().serializer(), List.of(samples), sample -> Topics.METRICS_DISK, DiskSample::getDeviceUuid);
  }

  /** Writes software facts to fleet.device.facts, keyed by device, as the collector does. */
  public void write(DeviceFacts... facts) throws Exception {
    send(FleetSerdes.deviceFacts().serializer(), List.of(facts), fact -> Topics.DEVICE_FACTS, DeviceFacts::getDeviceUuid);
  }

  private <T> void send(Serializer<T> values, List<T> records, Function<T, String> topic, Function<T, String> device) throws Exception {
    try (KafkaProducer<String, T> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
        new StringSerializer(), values)) {
      for (T record : records) {
        producer.send(new ProducerRecord<>(topic.apply(record), device.apply(record), record)).get();
      }
    }
  }

  /** A df sample of {@code mount}: {@code usedBytes} of {@code sizeBytes} used at device time {@code at}. */
  public static DiskSample diskSample(String device, String fleet, String mount, long sizeBytes, long usedBytes, Instant at) {
    return DiskSample.newBuilder().setDeviceUuid(device).setFleet(fleet).setMount(mount).setSizeBytes(sizeBytes).setUsedBytes(usedBytes)
        .setAvailBytes(sizeBytes - usedBytes).setAt(at).setReceivedAt(Instant.now()).setSource("push").build();
  }

  /** systemd reporting a SIGKILL of balenad, at device time {@code at}. */
  public static JournalEntry engineKilled(String device, String fleet, Instant at) {
    return entry(device, fleet, "balena.service", "systemd", 1, "balena.service: Main process exited, code=killed, status=9/KILL", at);
  }

  /** chrony choosing an NTP server: a healthy device's sign of life. */
  public static JournalEntry chronySelected(String device, String fleet, Instant at) {
    return entry(device, fleet, "chronyd.service", "chronyd", 702, "Selected source 85.199.214.100", at);
  }

  private static JournalEntry entry(String device, String fleet, String unit, String identifier, int pid, String message, Instant at) {
    return JournalEntry.newBuilder().setDeviceUuid(device).setFleet(fleet).setUnit(unit).setSyslogIdentifier(identifier).setPid(pid)
        .setRealtimeUs(at.toEpochMilli() * 1000).setMessage(message).setReceivedAt(Instant.now()).build();
  }

  @Override
  public void close() {
    vertx.close().await();
    try {
      silences.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    watchdog.close();
    streams.close();
  }
}
