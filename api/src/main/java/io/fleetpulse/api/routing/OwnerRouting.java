package io.fleetpulse.api.routing;

import io.fleetpulse.api.ApiResponses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;
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
 * client never gets an empty answer from the wrong instance. When the owner does not answer (it is dying
 * and Kafka has not moved its partitions yet, up to the session timeout), an instance holding a standby
 * copy of the device's state answers from it instead, marked stale ({@link StandbyRead}).
 */
public final class OwnerRouting {

  private static final Logger log = LoggerFactory.getLogger(OwnerRouting.class);
  static final String FORWARDED_BY = "X-Fleetpulse-Forwarded-By";
  private static final long FORWARD_CONNECT_TIMEOUT_MS = 2_000;
  private static final long FORWARD_IDLE_TIMEOUT_MS = 5_000;

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
      } else if (ctx.request().getHeader(StandbyRead.ASKED) != null && owner.standbyHosts().contains(self)) {
        StandbyRead.allow(ctx);
        ctx.next();
      } else if (ctx.request().getHeader(FORWARDED_BY) != null) {
        // The forwarding instance thinks we own the device and we think we don't: metadata is changing.
        ApiResponses.unavailable(ctx, "device ownership is moving between instances (rebalancing)");
      } else {
        forward(ctx, owner.activeHost(), false).onFailure(error -> {
          log.info("Forwarding {} to its owner {} failed: {}", ctx.request().uri(), owner.activeHost(), error.toString());
          readFromStandby(ctx, owner.standbyHosts());
        });
      }
    };
  }

  /** The owner did not answer: a standby copy does, here or on another instance, else 503. */
  private void readFromStandby(RoutingContext ctx, Set<HostInfo> standbys) {
    if (standbys.contains(self)) {
      StandbyRead.allow(ctx);
      ctx.next();
      return;
    }
    Optional<HostInfo> standby = standbys.stream().findFirst();
    if (standby.isEmpty()) {
      ApiResponses.unavailable(ctx, "the instance owning this device is not reachable right now, and no instance holds a standby copy "
          + "(streams.standbyReplicas=0)");
      return;
    }
    forward(ctx, standby.get(), true).onFailure(error -> {
      log.info("Reading {} from the standby {} failed too: {}", ctx.request().uri(), standby.get(), error.toString());
      ApiResponses.unavailable(ctx, "the instance owning this device and its standby are not reachable right now");
    });
  }

  /** Relays {@code ctx}'s request to {@code target}; fails when {@code target} could not be reached. */
  private Future<Void> forward(RoutingContext ctx, HostInfo target, boolean fromStandby) {
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost(target.host())
        .setPort(target.port())
        .setURI(ctx.request().uri())
        // A dying owner may neither answer nor refuse: give up soon enough to ask a standby within the client's patience.
        .setConnectTimeout(FORWARD_CONNECT_TIMEOUT_MS)
        .setIdleTimeout(FORWARD_IDLE_TIMEOUT_MS)
        .putHeader(FORWARDED_BY, self.host() + ":" + self.port());
    if (fromStandby) {
      request.putHeader(StandbyRead.ASKED, "true");
    }
    // Who asks, and in which form the answer is wanted (a journal as JSON or as journalctl's text).
    for (CharSequence header : new CharSequence[] {HttpHeaders.AUTHORIZATION, HttpHeaders.ACCEPT}) {
      String value = ctx.request().getHeader(header);
      if (value != null) {
        request.putHeader(header, value);
      }
    }
    if ("true".equals(ctx.request().getParam("follow"))) {
      // A followed journal never ends: relayed as it comes, the owner's connection closed when the client's is.
      return http.request(request).compose(outbound -> outbound.send().compose(response -> {
        copyHeaders(ctx, response);
        ctx.response().setChunked(true).closeHandler(gone -> response.request().connection().close());
        return response.pipeTo(ctx.response());
      }));
    }
    return http.request(request)
        .compose(outbound -> outbound.send().compose(response -> response.body().map(body -> relay(ctx, response, body))));
  }

  private static Void relay(RoutingContext ctx, HttpClientResponse response, io.vertx.core.buffer.Buffer body) {
    copyHeaders(ctx, response);
    ctx.response().end(body);
    return null;
  }

  private static void copyHeaders(RoutingContext ctx, HttpClientResponse response) {
    ctx.response().setStatusCode(response.statusCode());
    for (CharSequence header : new CharSequence[] {HttpHeaders.CONTENT_TYPE, HttpHeaders.RETRY_AFTER, StandbyRead.STALE}) {
      String value = response.getHeader(header);
      if (value != null) {
        ctx.response().putHeader(header, value);
      }
    }
  }
}
