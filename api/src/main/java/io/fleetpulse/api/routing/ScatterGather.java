package io.fleetpulse.api.routing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Fleet-wide questions span every instance's partitions: ask each other instance the same question
 * about its own partitions only ({@code X-Fleetpulse-Scope: local}), and combine. If any instance
 * cannot answer, the whole answer fails (a partial fleet view would be wrong data).
 */
public final class ScatterGather {

  public static final String SCOPE = "X-Fleetpulse-Scope";

  private final KafkaStreams streams;
  private final HostInfo self;
  private final HttpClient http;

  public ScatterGather(Vertx vertx, KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
    this.http = vertx.createHttpClient();
  }

  /** True when another instance asked for this instance's part only. */
  public static boolean localOnly(RoutingContext ctx) {
    return "local".equals(ctx.request().getHeader(SCOPE));
  }

  /** The other instances' answers to the request being handled, as JSON. */
  public Future<List<JsonObject>> fromOthers(RoutingContext ctx) {
    if (self == null) {
      return Future.succeededFuture(List.of());
    }
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
      if (!instance.hostInfo().equals(self)) {
        answers.add(ask(ctx, instance.hostInfo()));
      }
    }
    return Future.all(answers).map(all -> answers.stream().map(Future::result).toList());
  }

  private Future<JsonObject> ask(RoutingContext ctx, HostInfo instance) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(instance.host()).setPort(instance.port())
        .setURI(ctx.request().uri()).putHeader(SCOPE, "local");
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
