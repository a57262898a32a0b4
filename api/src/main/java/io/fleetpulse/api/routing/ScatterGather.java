package io.fleetpulse.api.routing;

import io.fleetpulse.api.fleet.PartitionScope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Fleet-wide questions span every instance's partitions: ask each other instance the same question about its own
 * partitions only ({@code X-Fleetpulse-Scope: local}), and combine. An instance that does not answer (dying, before
 * Kafka moves its partitions) is answered for from standby copies of its partitions, here or on another instance
 * ({@code X-Fleetpulse-Scope: standby-of=HOST:PORT}), and the answer says so; where no instance holds a copy, the
 * answer says which part is missing instead of failing whole.
 */
public final class ScatterGather {

  public static final String SCOPE = "X-Fleetpulse-Scope";
  /** On a combined answer: some instance's part is missing (no instance answered for its partitions). */
  public static final String PARTIAL = "X-Fleetpulse-Partial";
  private static final String LOCAL = "local";
  private static final String STANDBY_OF = "standby-of=";
  private static final long ASK_CONNECT_TIMEOUT_MS = 2_000;
  private static final long ASK_TIMEOUT_MS = 5_000;

  private final KafkaStreams streams;
  private final HostInfo self;
  private final PartitionOwners owners;
  private final HttpClient http;

  public ScatterGather(Vertx vertx, KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
    this.owners = new PartitionOwners(streams, self);
    this.http = vertx.createHttpClient();
  }

  /** Every instance's parts, and what stands in for those that did not answer. */
  public record Gathered(List<JsonObject> parts, List<String> stale, List<String> missing) {

    /** What the combined answer says about itself: nothing when every instance answered for its own partitions. */
    public Optional<JsonObject> partial() {
      if (stale.isEmpty() && missing.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new JsonObject().put("stale", new JsonArray(stale)).put("missing", new JsonArray(missing)));
    }
  }

  /**
   * The scope another instance asked this one to answer for ({@code local}: its own partitions; {@code
   * standby-of}: its standby copies of a silent instance's), or empty when a client asked for the whole fleet.
   */
  public Optional<PartitionScope> askedScope(RoutingContext ctx) {
    String scope = ctx.request().getHeader(SCOPE);
    if (scope == null) {
      return Optional.empty();
    }
    if (scope.startsWith(STANDBY_OF)) {
      return Optional.of(owners.standbyHereFor(HostInfo.buildFromEndpoint(scope.substring(STANDBY_OF.length()))));
    }
    return Optional.of(owners.ownedHere());
  }

  /** This instance's own partitions. */
  public PartitionScope ownedHere() {
    return owners.ownedHere();
  }

  /**
   * This instance's part ({@code local} on its own partitions) and every other instance's; an instance that fails to
   * answer is replaced by the standby copies of its partitions of {@code stores}, read here or asked of the instance
   * holding them.
   */
  public Future<Gathered> gather(RoutingContext ctx, List<String> stores, Function<PartitionScope, Future<JsonObject>> local) {
    Future<JsonObject> mine = local.apply(owners.ownedHere());
    if (self == null) {
      return mine.map(part -> new Gathered(List.of(part), List.of(), List.of()));
    }
    List<Future<Answer>> answers = new ArrayList<>();
    for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
      HostInfo host = instance.hostInfo();
      if (!host.equals(self)) {
        answers.add(ask(ctx, host, LOCAL).transform(asked -> asked.succeeded()
            ? Future.succeededFuture(new Answer(asked.result(), null))
            : standIn(ctx, host, stores, local, asked.cause())));
      }
    }
    return mine.compose(part -> Future.all(answers).map(all -> {
      List<JsonObject> parts = new ArrayList<>(List.of(part));
      List<String> stale = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      for (Future<Answer> answer : answers) {
        Answer result = answer.result();
        if (result.part() != null) {
          parts.add(result.part());
        }
        if (result.note() != null) {
          (result.part() != null ? stale : missing).add(result.note());
        }
      }
      return new Gathered(parts, stale, missing);
    }));
  }

  /** An instance's part, and what to say about it when it is not its own answer. */
  private record Answer(JsonObject part, String note) {}

  private Future<Answer> standIn(RoutingContext ctx, HostInfo silent, List<String> stores,
                                 Function<PartitionScope, Future<JsonObject>> local, Throwable why) {
    String instance = silent.host() + ":" + silent.port();
    List<HostInfo> standbys = owners.standbysCovering(silent, stores);
    if (standbys.isEmpty()) {
      return Future.succeededFuture(new Answer(null, instance + " did not answer (" + why.getMessage()
          + ") and no instance holds a standby copy of its partitions: its devices and alerts are left out"));
    }
    HostInfo standby = standbys.get(0);
    Future<JsonObject> copy = standby.equals(self) ? local.apply(owners.standbyHereFor(silent))
        : ask(ctx, standby, STANDBY_OF + instance);
    return copy.transform(answered -> Future.succeededFuture(answered.succeeded()
        ? new Answer(answered.result(), instance + " did not answer (" + why.getMessage() + "); its partitions were read from the standby copy on "
            + standby.host() + ":" + standby.port() + ", which may lag by its replication delay")
        : new Answer(null, instance + " did not answer (" + why.getMessage() + "), nor did its standby copy on "
            + standby.host() + ":" + standby.port() + " (" + answered.cause().getMessage() + "): its devices and alerts are left out")));
  }

  private Future<JsonObject> ask(RoutingContext ctx, HostInfo instance, String scope) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(instance.host()).setPort(instance.port())
        .setURI(ctx.request().uri()).putHeader(SCOPE, scope)
        // A dying instance may neither answer nor refuse: give up soon enough to read its standby copy within the client's patience.
        .setConnectTimeout(ASK_CONNECT_TIMEOUT_MS).setIdleTimeout(ASK_TIMEOUT_MS);
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null) {
      request.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    }
    return http.request(request)
        .compose(outbound -> outbound.send())
        .compose(response -> response.body().compose(body -> response.statusCode() == 200
            ? Future.succeededFuture(new JsonObject(body))
            : Future.failedFuture("instance " + instance.host() + ":" + instance.port() + " answered " + response.statusCode())));
  }
}
