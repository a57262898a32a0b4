package io.fleetpulse.api.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.api.ApiStack;
import io.fleetpulse.kafka.SharedKafkaBroker;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tuple;
import net.jqwik.time.api.DateTimes;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated requests against a running api (the real topology on the shared broker, real sockets):
 * whatever the path, query parameters, headers and method, the answer is never a 5xx and the
 * connection is never reset; bad parameters are the client's error (4xx naming them), not the server's.
 */
class GeneratedRequestsTest {

  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final String DEVICE = "ac000000000000000000000000000001";
  private static final List<String> PARAMETERS = List.of("from", "to", "limit", "cursor", "status", "fleet", "kind", "state", "device");
  private static ApiStack stack;

  @BeforeContainer
  static void start() throws Exception {
    stack = ApiStack.start(SharedKafkaBroker.broker(), Files.createTempDirectory("api-properties"), "api-properties");
    stack.write(ApiStack.engineKilled(DEVICE, "harbor", Instant.now()));
    await().atMost(Duration.ofSeconds(60)).until(() -> stack.get("/readyz").statusCode() == 200
        && stack.get("/api/v1/devices/" + DEVICE + "/events").statusCode() == 200);
  }

  @AfterContainer
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Property(tries = 400)
  void noRequestIsAnsweredWithA5xxOrAReset(@ForAll("requests") GeneratedRequest request) throws Exception {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(stack.baseUrl() + request.target()))
        .timeout(Duration.ofSeconds(30)).method(request.method(), HttpRequest.BodyPublishers.noBody());
    request.headers().forEach(builder::header);
    HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    Statistics.label("status").collect(response.statusCode());
    assertThat(response.statusCode()).as(request.toString()).isLessThan(500);
    if (response.statusCode() == 400) {
      assertThat(response.body()).as(request.toString()).contains("\"error\"");
    }
  }

  /** A method, a path (known routes with generated segments, or anything), a query and headers. */
  record GeneratedRequest(String method, String path, List<Tuple.Tuple2<String, String>> query, Map<String, String> headers) {
    String target() {
      String encodedQuery = query.stream()
          .map(parameter -> encode(parameter.get1()) + "=" + encode(parameter.get2())).collect(Collectors.joining("&"));
      return path + (encodedQuery.isEmpty() ? "" : "?" + encodedQuery);
    }
  }

  @Provide
  Arbitrary<GeneratedRequest> requests() {
    Arbitrary<String> method = Arbitraries.frequency(Tuple.of(8, "GET"), Tuple.of(1, "HEAD"), Tuple.of(1, "POST"),
        Tuple.of(1, "DELETE"), Tuple.of(1, "OPTIONS"));
    Arbitrary<List<Tuple.Tuple2<String, String>>> query = Combinators.combine(
        Arbitraries.oneOf(Arbitraries.of(PARAMETERS), anyText()), parameterValue()).as(Tuple::of).list().ofMaxSize(5);
    Arbitrary<Map<String, String>> headers = Arbitraries.maps(
        Arbitraries.of("Accept", "Authorization", "Content-Type", "X-Forwarded-For", "If-None-Match", "X-Fleetpulse-Local-Only"),
        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(200)).ofMaxSize(3);
    return Combinators.combine(method, path(), query, headers).as(GeneratedRequest::new);
  }

  private static Arbitrary<String> path() {
    Arbitrary<String> device = Arbitraries.oneOf(Arbitraries.just(DEVICE), anyText().map(GeneratedRequestsTest::encodePath),
        Arbitraries.strings().withChars("0123456789abcdef").ofLength(32), Arbitraries.of(".", "..", "%2e%2e", "%00", "%ff"));
    Arbitrary<String> deviceRoute = Combinators.combine(device, Arbitraries.of("health", "history", "events", "alerts", ""))
        .as((uuid, what) -> "/api/v1/devices/" + uuid + (what.isEmpty() ? "" : "/" + what));
    Arbitrary<String> anything = anyText().list().ofMaxSize(4)
        .map(segments -> "/" + segments.stream().map(GeneratedRequestsTest::encodePath).collect(Collectors.joining("/")));
    return Arbitraries.oneOf(deviceRoute, Arbitraries.of("/api/v1/devices", "/api/v1/alerts", "/api/v1/fleet/summary",
        "/healthz", "/readyz", "/metrics", "/openapi.yaml", "/", "/api/v1/", "/api/v1/devices/", "/api/v1/pipeline",
        "/api/v1/pipeline/stalled/abort"), anything);
  }

  /** Values a client might send by mistake or on purpose: instants at and past the edges, numbers, names, noise. */
  private static Arbitrary<String> parameterValue() {
    return Arbitraries.oneOf(
        Arbitraries.of("-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
            "2026-12-06T10:00:00Z", "2026-12-06T10:00:00+02:00", "1969-12-31T23:59:59Z", "0", "-1", "1000", "1001",
            "2147483648", "99999999999999999999", "NaN", "FAIL", "OK", "firing", "resolved", ".", "..", "../..", DEVICE,
            "CRASHLOOP", "UNIT_RESTART", "harbor", ""),
        Arbitraries.integers().map(String::valueOf),
        DateTimes.instants().map(Instant::toString),
        anyText());
  }

  private static Arbitrary<String> anyText() {
    return Arbitraries.strings().all().ofMaxLength(80);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String encodePath(String segment) {
    return encode(segment).replace("+", "%20");
  }
}
