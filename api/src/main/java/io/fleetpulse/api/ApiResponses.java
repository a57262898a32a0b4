package io.fleetpulse.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** How the API answers: JSON bodies, errors as {@code {"error": reason}}. */
public final class ApiResponses {

  private static final String RETRY_AFTER_SECONDS = "2";

  private ApiResponses() {}

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
  }

  public static void error(RoutingContext ctx, int status, String reason) {
    json(ctx, status, new JsonObject().put("error", reason));
  }

  /** 503 with Retry-After: the answer exists but this instance cannot give it right now. */
  public static void unavailable(RoutingContext ctx, String reason) {
    ctx.response().putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
    error(ctx, 503, reason);
  }
}
