package io.fleetpulse.api.silence;

import io.fleetpulse.api.ApiResponses;
import io.fleetpulse.api.auth.BearerAuth;
import io.fleetpulse.api.auth.Role;
import io.fleetpulse.api.devices.QueryParameters;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Silences and acknowledgements over REST ({@link SilenceBook}): anyone with a token lists them, an admin sets and
 * ends them. Parameters are query parameters, as everywhere in this API:
 * {@code POST /api/v1/silences?fleet=harbor&minutes=120&comment=...}, {@code POST /api/v1/alerts/{id}/acknowledge?note=...}.
 */
public final class SilenceRoutes {

  /** A week: longer maintenance is a fleet to take out of the notifier routes. */
  private static final int MAX_MINUTES = 7 * 24 * 60;
  private static final int MAX_TEXT = 500;

  private final Vertx vertx;
  private final SilenceBook book;
  private final BearerAuth auth;

  public SilenceRoutes(Vertx vertx, SilenceBook book, BearerAuth auth) {
    this.vertx = vertx;
    this.book = book;
    this.auth = auth;
  }

  public void mount(Router router) {
    router.get("/api/v1/silences").handler(this::list);
    router.post("/api/v1/silences").handler(auth.require(Role.ADMIN)).handler(this::silence);
    router.delete("/api/v1/silences/:id").handler(auth.require(Role.ADMIN)).handler(this::expire);
    router.post("/api/v1/alerts/:id/acknowledge").handler(auth.require(Role.ADMIN)).handler(this::acknowledge);
  }

  private void list(RoutingContext ctx) {
    Instant now = Instant.now();
    JsonArray silences = new JsonArray();
    book.silences().forEach(silence -> silences.add(silence.json().put("active", silence.inForce(now))));
    ApiResponses.json(ctx, 200, new JsonObject().put("silences", silences));
  }

  private void silence(RoutingContext ctx) {
    String fleet;
    String device;
    int minutes;
    String comment;
    try {
      QueryParameters params = new QueryParameters(ctx);
      fleet = params.fleet("fleet");
      device = params.deviceUuid("device");
      if (fleet == null && device == null) {
        throw new QueryParameters.BadParameter("device", "a device uuid, or a fleet name in 'fleet' to silence the whole fleet", null,
            "say what to silence: device=<uuid>, or fleet=<name> for every device of a fleet");
      }
      minutes = params.integer("minutes", 60, 1, MAX_MINUTES);
      comment = text(params, "comment");
    } catch (QueryParameters.BadParameter e) {
      e.answer(ctx);
      return;
    }
    write(ctx, 201, () -> book.silence(fleet, device, Duration.ofMinutes(minutes), BearerAuth.who(ctx), comment).json().put("active", true));
  }

  private void expire(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!isUuid(id)) {
      ApiResponses.error(ctx, 404, "no silence " + id);
      return;
    }
    vertx.executeBlocking(() -> book.expire(id, BearerAuth.who(ctx)), false).onComplete(ended -> {
      if (ended.failed()) {
        ApiResponses.unavailable(ctx, ended.cause().getMessage());
      } else if (ended.result().isEmpty()) {
        ApiResponses.error(ctx, 404, "no silence " + id + " (GET /api/v1/silences lists them)");
      } else {
        ApiResponses.json(ctx, 200, ended.result().get().json().put("active", false));
      }
    });
  }

  private void acknowledge(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String note;
    try {
      if (!isUuid(id)) {
        throw new QueryParameters.BadParameter("id", "an alert id (a UUID, as alerts list it)", id);
      }
      note = text(new QueryParameters(ctx), "note");
    } catch (QueryParameters.BadParameter e) {
      e.answer(ctx);
      return;
    }
    write(ctx, 200, () -> book.acknowledge(id, BearerAuth.who(ctx), note).json());
  }

  /** Runs a write to Kafka off the event loop; 503 + Retry-After when Kafka does not take it. */
  private void write(RoutingContext ctx, int status, Supplier<JsonObject> write) {
    vertx.executeBlocking(write::get, false).onComplete(written -> {
      if (written.failed()) {
        ApiResponses.unavailable(ctx, written.cause().getMessage());
      } else {
        ApiResponses.json(ctx, status, written.result());
      }
    });
  }

  private static String text(QueryParameters params, String name) {
    String value = params.text(name);
    if (value != null && value.length() > MAX_TEXT) {
      throw new QueryParameters.BadParameter(name, "at most " + MAX_TEXT + " characters", value.substring(0, 40) + "…");
    }
    return value;
  }

  private static boolean isUuid(String text) {
    try {
      return UUID.fromString(text).toString().equals(text);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
