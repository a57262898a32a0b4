package io.fleetpulse.api.devices;

import io.fleetpulse.streams.rules.RuleEvents;
import io.fleetpulse.api.ApiResponses;
import io.fleetpulse.api.routing.OwnerRouting;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.DeviceStatus;
import io.fleetpulse.api.routing.StandbyRead;
import io.fleetpulse.streams.events.DeviceEventsStore;
import io.fleetpulse.streams.health.DeviceHealthStores;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * {@code /api/v1/devices/{uuid}/...}: one device's story — health now, health over time, events.
 * Every route validates the uuid, goes to the instance owning the device, then reads its stores on a
 * worker thread.
 */
public final class DeviceRoutes {

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  private final Vertx vertx;
  private final DeviceEventsQuery events;
  private final DeviceHealthQuery health;
  private final OwnerRouting owners;

  public DeviceRoutes(Vertx vertx, DeviceEventsQuery events, DeviceHealthQuery health, OwnerRouting owners) {
    this.vertx = vertx;
    this.events = events;
    this.health = health;
    this.owners = owners;
  }

  public void mount(Router router) {
    router.get("/api/v1/devices/:uuid/health").handler(this::validUuid).handler(owners.forStore(DeviceHealthStores.CURRENT))
        .handler(this::health);
    router.get("/api/v1/devices/:uuid/history").handler(this::validUuid).handler(owners.forStore(DeviceHealthStores.HISTORY))
        .handler(this::history);
    router.get("/api/v1/devices/:uuid/events").handler(this::validUuid).handler(owners.forStore(DeviceEventsStore.NAME))
        .handler(this::events);
  }

  /** A malformed uuid is the client's mistake wherever the device lives: answer before routing. */
  private void validUuid(RoutingContext ctx) {
    try {
      new QueryParameters(ctx).pathDeviceUuid();
      ctx.next();
    } catch (QueryParameters.BadParameter e) {
      e.answer(ctx);
    }
  }

  private void health(RoutingContext ctx) {
    String uuid = ctx.pathParam("uuid");
    boolean fromStandby = StandbyRead.allowed(ctx);
    answer(ctx, () -> {
      Optional<DeviceHealth> current = health.current(uuid, fromStandby);
      Optional<DeviceStatus> collector = health.collectorState(uuid, fromStandby);
      // A device tailed over SSH that has logged nothing yet is known, as connected without entries.
      JsonObject json = current.map(HealthJson::of).orElseGet(() -> collector.map(status -> HealthJson.withoutEntries(uuid, status.getFleet()))
          .orElse(null));
      collector.ifPresent(status -> json.put("collector", CollectorStateJson.of(status, current.map(DeviceHealth::getLastSeen).orElse(null))));
      return json;
    }, "device " + uuid + " has never sent data");
  }

  private void history(RoutingContext ctx) {
    String uuid = ctx.pathParam("uuid");
    Instant from;
    Instant to;
    try {
      QueryParameters.TimeRange range = new QueryParameters(ctx).range(Instant.now(), Duration.ofDays(1));
      from = range.from();
      to = range.to();
    } catch (QueryParameters.BadParameter e) {
      e.answer(ctx);
      return;
    }
    answer(ctx, () -> {
      List<DeviceHealthQuery.Version> versions = health.history(uuid, from, to);
      if (versions.isEmpty() && health.current(uuid, StandbyRead.allowed(ctx)).isEmpty()) {
        return null;
      }
      JsonArray history = new JsonArray();
      for (DeviceHealthQuery.Version version : versions) {
        history.add(new JsonObject()
            .put("at", version.at().toString())
            .put("status", version.health().getStatus().name())
            .put("checks", HealthJson.checks(version.health())));
      }
      return new JsonObject().put("uuid", uuid).put("history", history);
    }, "device " + uuid + " has never sent data");
  }

  private void events(RoutingContext ctx) {
    DeviceEventsQuery.Request request;
    try {
      QueryParameters params = new QueryParameters(ctx);
      QueryParameters.TimeRange range = params.range(Instant.now().plus(Duration.ofDays(1)), null);
      request = new DeviceEventsQuery.Request(
          ctx.pathParam("uuid"),
          params.eventKind("kind"),
          range.from(),
          range.to(),
          params.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
          eventsCursor(params));
    } catch (QueryParameters.BadParameter e) {
      e.answer(ctx);
      return;
    }
    boolean fromStandby = StandbyRead.allowed(ctx);
    answer(ctx, () -> {
      DeviceEventsQuery.Page page = events.run(request, fromStandby);
      return new JsonObject().put("events", eventsJson(page.events())).put("next", page.next() == null ? null : page.next().toString());
    }, null);
  }

  /**
   * Runs a store read on a worker and answers: 200 with its JSON, 404 when it found nothing (and
   * {@code notFound} says so), 503 while the stores are not queryable.
   */
  private void answer(RoutingContext ctx, Callable<JsonObject> read, String notFound) {
    vertx.executeBlocking(read, false)
        .onSuccess(json -> {
          if (json == null) {
            ApiResponses.error(ctx, 404, notFound);
          } else {
            ApiResponses.json(ctx, 200, json);
          }
        })
        .onFailure(error -> {
          if (error instanceof InvalidStateStoreException) {
            ApiResponses.unavailable(ctx, "device state is not queryable yet (starting or rebalancing)");
          } else {
            ApiResponses.error(ctx, 500, "query failed: " + error.getMessage());
          }
        });
  }

  /** The {@code cursor} of an events page: the {@code next} of the previous one. */
  private static DeviceEventsQuery.Cursor eventsCursor(QueryParameters params) {
    String text = params.text("cursor");
    if (text == null) {
      return null;
    }
    DeviceEventsQuery.Cursor cursor = DeviceEventsQuery.Cursor.parse(text);
    if (cursor == null) {
      throw new QueryParameters.BadParameter("cursor", "the 'next' value of a previous page of events", text);
    }
    return cursor;
  }

  private static JsonArray eventsJson(List<DeviceEvent> events) {
    JsonArray array = new JsonArray();
    for (DeviceEvent event : events) {
      JsonObject details = new JsonObject();
      event.getDetails().forEach(details::put);
      String rule = event.getDetails().get(RuleEvents.RULE);
      array.add(new JsonObject()
          .put("kind", RuleEvents.kindOf(event))
          .put("at", event.getAt().toString())
          .put("unit", event.getUnit())
          .put("summary", event.getSummary())
          .put("details", details)
          .put("rule", rule == null ? null : new JsonObject().put("name", rule).put("version", event.getDetails().get(RuleEvents.VERSION))));
    }
    return array;
  }
}
