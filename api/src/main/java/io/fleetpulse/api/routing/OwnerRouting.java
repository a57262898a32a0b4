package io.fleetpulse.api.routing;

import io.fleetpulse.api.ApiResponses;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a device's request to the api instance that owns the device's partition.
 *
 * <p>Each instance holds the state of its own partitions only. Kafka Streams knows which instance
 * ({@code application.server}) has the active task for a key; a request for someone else's device is
 * forwarded there once, and answered 503 + Retry-After while ownership is moving (a rebalance), so a
 * client never gets a stale or empty answer from the wrong instance.
 */
public final class OwnerRouting {

  private static final Logger log = LoggerFactory.getLogger(OwnerRouting.class);
  static final String FORWARDED_BY = "X-Fleetpulse-Forwarded-By";

  private final KafkaStreams streams;
  private final HostInfo self;
  private final HttpClient http;

  /** @param self this instance's {@code application.server}, or null for a single instance (everything is local) */
  public OwnerRouting(Vertx vertx, KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
    this.http = vertx.createHttpClient();
  }

  /** A handler that passes requests for devices this instance owns, and forwards the rest. */
  public Handler<RoutingContext> forStore(String storeName) {
    return ctx -> {
      if (self == null) {
        ctx.next();
        return;
      }
      KeyQueryMetadata owner = streams.queryMetadataForKey(storeName, ctx.pathParam("uuid"), Serdes.String().serializer());
      if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
        ApiResponses.unavailable(ctx, "device ownership is moving between instances (rebalancing)");
      } else if (owner.activeHost().equals(self)) {
        ctx.next();
      } else if (ctx.request().getHeader(FORWARDED_BY) != null) {
        // The forwarding instance thinks we own the device and we think we don't: metadata is changing.
        ApiResponses.unavailable(ctx, "device ownership is moving between instances (rebalancing)");
      } else {
        forward(ctx, owner.activeHost());
      }
    };
  }

  private void forward(RoutingContext ctx, HostInfo owner) {
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost(owner.host())
        .setPort(owner.port())
        .setURI(ctx.request().uri())
        .putHeader(FORWARDED_BY, self.host() + ":" + self.port());
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null) {
      request.putHeader(HttpHeaders.AUTHORIZATION, authorization);
    }
    http.request(request)
        .compose(outbound -> outbound.send().compose(response -> response.body().map(body -> relay(ctx, response, body))))
        .onFailure(error -> {
          log.info("Forwarding {} to its owner {}:{} failed: {}", ctx.request().uri(), owner.host(), owner.port(), error.toString());
          ApiResponses.unavailable(ctx, "the instance owning this device is not reachable right now");
        });
  }

  private static Void relay(RoutingContext ctx, HttpClientResponse response, io.vertx.core.buffer.Buffer body) {
    ctx.response().setStatusCode(response.statusCode());
    for (CharSequence header : new CharSequence[] {HttpHeaders.CONTENT_TYPE, HttpHeaders.RETRY_AFTER}) {
      String value = response.getHeader(header);
      if (value != null) {
        ctx.response().putHeader(header, value);
      }
    }
    ctx.response().end(body);
    return null;
  }
}
