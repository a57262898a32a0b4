package io.fleetpulse.api.devices;

import io.fleetpulse.api.ApiResponses;
import io.fleetpulse.api.routing.OwnerRouting;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.events.DeviceEventsStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/** {@code /api/v1/devices/...}: one device's story. */
public final class DeviceRoutes {

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  private final Vertx vertx;
  private final DeviceEventsQuery events;
  private final OwnerRouting owners;

  public DeviceRoutes(Vertx vertx, DeviceEventsQuery events, OwnerRouting owners) {
    this.vertx = vertx;
    this.events = events;
    this.owners = owners;
  }

  public void mount(Router router) {
    router.get("/api/v1/devices/:uuid/events").handler(this::validUuid).handler(owners.forStore(DeviceEventsStore.NAME)).handler(this::events);
  }

  /** A malformed uuid is the client's mistake wherever the device lives: answer before routing. */
  private void validUuid(RoutingContext ctx) {
    try {
      uuid(ctx);
      ctx.next();
    } catch (QueryParameters.BadParameter e) {
      ApiResponses.error(ctx, 400, e.getMessage());
    }
  }

  private void events(RoutingContext ctx) {
    DeviceEventsQuery.Request request;
    try {
      QueryParameters params = new QueryParameters(ctx);
      Instant to = params.instant("to", Instant.now().plus(Duration.ofDays(1)));
      request = new DeviceEventsQuery.Request(
          uuid(ctx),
          params.enumValue("kind", EventKind.class),
          params.instant("from", Instant.EPOCH),
          to,
          params.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT));
    } catch (QueryParameters.BadParameter e) {
      ApiResponses.error(ctx, 400, e.getMessage());
      return;
    }
    vertx.executeBlocking(() -> events.run(request), false)
        .onSuccess(found -> ApiResponses.json(ctx, 200, new JsonObject().put("events", toJson(found))))
        .onFailure(error -> {
          if (error instanceof InvalidStateStoreException) {
            ApiResponses.unavailable(ctx, "event store is not ready yet (starting or rebalancing)");
          } else {
            ApiResponses.error(ctx, 500, "event query failed: " + error.getMessage());
          }
        });
  }

  private static String uuid(RoutingContext ctx) {
    String uuid = ctx.pathParam("uuid");
    if (!Topics.isDeviceUuid(uuid)) {
      throw new QueryParameters.BadParameter("device uuid must be 32 (or legacy 62) lower-case hex digits, not '" + uuid + "'");
    }
    return uuid;
  }

  private static JsonArray toJson(List<DeviceEvent> events) {
    JsonArray array = new JsonArray();
    for (DeviceEvent event : events) {
      JsonObject details = new JsonObject();
      event.getDetails().forEach(details::put);
      array.add(new JsonObject()
          .put("kind", event.getKind().name())
          .put("at", event.getAt().toString())
          .put("unit", event.getUnit())
          .put("summary", event.getSummary())
          .put("details", details));
    }
    return array;
  }
}
