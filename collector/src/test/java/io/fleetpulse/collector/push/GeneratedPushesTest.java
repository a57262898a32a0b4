package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.collector.journal.InputMutator;
import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.PublisherSettings;
import io.fleetpulse.collector.ratelimit.RateLimitSettings;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated pushes against a running collector with device tokens on (real sockets, the shared broker):
 * whatever the path, content type, credentials and body, the answer is never a 5xx (Kafka is up) and the
 * connection is never reset; every refusal says why in JSON.
 */
class GeneratedPushesTest {

  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final String DEVICE = "a5000000000000000000000000000001";
  private static final String TOKEN = "generated-pushes-secret";
  private static final byte[] JSON_SEED = ("{\"__CURSOR\":\"s=a;i=1\",\"__SEQNUM\":\"7\",\"__SEQNUM_ID\":\"ab\",\"MESSAGE\":\"hello\","
      + "\"_SYSTEMD_UNIT\":\"balena.service\",\"__REALTIME_TIMESTAMP\":\"1700000000000000\"}\n").getBytes(StandardCharsets.UTF_8);
  private static final byte[] EXPORT_SEED = JournalUploadTest.exportOf(2);
  private static final byte[] DISK_SEED = ("{\"disk\":[{\"mount\":\"/mnt/data\",\"sizeBytes\":1000,\"usedBytes\":990,\"availBytes\":10,"
      + "\"at\":\"2026-11-27T16:00:00Z\"}]}").getBytes(StandardCharsets.UTF_8);
  private static TestCollector collector;

  @BeforeContainer
  static void start() throws Exception {
    EmbeddedKafkaBroker kafka = SharedKafkaBroker.broker();
    TestCollector.provisionTopics(kafka);
    Path tokens = Files.createTempFile("device-tokens", "");
    Files.writeString(tokens, DEVICE + " " + HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.UTF_8))) + " harbor\n");
    collector = new TestCollector(PublisherSettings.of(kafka.bootstrapServers()), new PushSettings("127.0.0.1", 0,
        JournalLimits.DEFAULT, RateLimitSettings.UNLIMITED, Optional.empty(), Optional.of(tokens)));
  }

  @AfterContainer
  static void stop() {
    if (collector != null) {
      collector.close();
    }
  }

  @Property(tries = 500)
  void noPushIsAnsweredWithA5xxOrAReset(@ForAll("pushes") GeneratedPush push) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(collector.url(push.path())))
        .timeout(Duration.ofSeconds(30)).method(push.method(), HttpRequest.BodyPublishers.ofByteArray(push.body()));
    push.headers().forEach(request::header);
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    Statistics.label("status").collect(response.statusCode());
    assertThat(response.statusCode()).as(push.toString()).isLessThan(500);
    if (response.statusCode() >= 400 && response.statusCode() != 404 && response.statusCode() != 405) {
      assertThat(response.body()).as(push.toString()).contains("\"error\"");
    }
  }

  record GeneratedPush(String method, String path, Map<String, String> headers, byte[] body) {
    @Override
    public String toString() {
      return method + " " + path + " " + headers + " (" + body.length + " bytes: "
          + new String(body, 0, Math.min(body.length, 120), StandardCharsets.ISO_8859_1) + ")";
    }
  }

  /** Mostly well-addressed, authenticated pushes with good, mutated or noisy bodies (so the parsers are reached), the rest anything. */
  @Provide
  Arbitrary<GeneratedPush> pushes() {
    Arbitrary<String> segment = Arbitraries.oneOf(Arbitraries.of(".", "..", "%2e%2e", "%00", "%ff", "harbor", "", DEVICE),
        Arbitraries.strings().withChars("0123456789abcdef").ofLength(32), Arbitraries.strings().all().ofMaxLength(70)
            .map(text -> URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20")));
    Arbitrary<String> endpoint = Arbitraries.of("entries", "upload", "metrics");
    Arbitrary<String> path = Arbitraries.frequencyOf(
        Tuple.of(6, endpoint.map(what -> "/devices/" + DEVICE + "/" + what)),
        Tuple.of(3, endpoint.map(what -> "/fleets/harbor/devices/" + DEVICE + "/" + what)),
        Tuple.of(1, Arbitraries.of("/upload", "/fleets/harbor/upload", "/", "/devices", "/healthz")),
        Tuple.of(2, Combinators.combine(segment, endpoint).as((device, what) -> "/devices/" + device + "/" + what)),
        Tuple.of(2, Combinators.combine(segment, segment, endpoint).as((fleet, device, what) -> "/fleets/" + fleet + "/devices/" + device + "/" + what)));
    Arbitrary<String> anyContentType = Arbitraries.oneOf(Arbitraries.of("application/x-ndjson", "application/json",
        "application/vnd.fdo.journal", "application/jsonl; charset=utf-8", "text/plain", "multipart/form-data; boundary=x"),
        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60));
    Arbitrary<String> authorization = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.of("Bearer " + TOKEN,
            "Basic " + java.util.Base64.getEncoder().encodeToString((DEVICE + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)))),
        Tuple.of(1, Arbitraries.of("Bearer wrong", "Basic ", "Basic !!!notbase64", "Bearer ", "Basic Og==")),
        Tuple.of(1, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(100)));
    Arbitrary<Boolean> fitting = Arbitraries.frequency(Tuple.of(8, true), Tuple.of(2, false));
    Arbitrary<byte[]> noise = Arbitraries.longs().map(seed -> InputMutator.randomBytes(new Random(seed)));
    return Combinators.combine(path, fitting, anyContentType, authorization, Arbitraries.integers().between(0, 9), noise,
        Arbitraries.longs()).as((target, fits, otherType, auth, how, randomBody, mutationSeed) -> {
          String contentType = fits ? contentTypeFor(target) : otherType;
          byte[] seed = target.endsWith("metrics") ? DISK_SEED : contentType.startsWith("application/vnd") ? EXPORT_SEED : JSON_SEED;
          byte[] body = how < 3 ? seed : how < 8 ? InputMutator.mutate(seed, new Random(mutationSeed)) : how == 8 ? randomBody : new byte[0];
          Map<String, String> headers = how == 9 && !fits ? Map.of("Content-Type", contentType)
              : Map.of("Content-Type", contentType, "Authorization", auth);
          return new GeneratedPush(fits ? "POST" : "PUT", target, headers, body);
        });
  }

  private static String contentTypeFor(String path) {
    if (path.endsWith("upload")) {
      return "application/vnd.fdo.journal";
    }
    return path.endsWith("metrics") ? "application/json" : "application/x-ndjson";
  }
}
