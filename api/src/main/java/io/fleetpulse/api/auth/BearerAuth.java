package io.fleetpulse.api.auth;

import io.fleetpulse.api.ApiResponses;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/**
 * Checks {@code Authorization: Bearer <token>} against the configured tokens: 401 without a known
 * token, 403 when its role does not cover the route. With no tokens configured every request passes
 * (the launcher then allows loopback binds only).
 */
public final class BearerAuth {

  private static final String WHO = "fleetpulse.token";

  private final List<ApiToken> tokens;

  public BearerAuth(List<ApiToken> tokens) {
    this.tokens = List.copyOf(tokens);
  }

  public boolean enabled() {
    return !tokens.isEmpty();
  }

  /** A handler that lets requests through only with a token whose role covers {@code required}. */
  public Handler<RoutingContext> require(Role required) {
    return ctx -> {
      if (!enabled()) {
        ctx.next();
        return;
      }
      Optional<ApiToken> token = presented(ctx).flatMap(this::find);
      if (token.isEmpty()) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"fleetpulse\"");
        ApiResponses.error(ctx, 401, "a valid bearer token is required (Authorization: Bearer <token>)");
      } else if (!token.get().role().covers(required)) {
        ApiResponses.error(ctx, 403, "token '" + token.get().name() + "' has role " + token.get().role() + "; this needs " + required);
      } else {
        ctx.put(WHO, token.get().name());
        ctx.next();
      }
    };
  }

  /** Who made the request, for audit trails: the name of the token presented, or "anonymous" without API auth. */
  public static String who(RoutingContext ctx) {
    String name = ctx.get(WHO);
    return name == null ? "anonymous" : name;
  }

  /**
   * Who may scrape {@code /metrics}: every API token, and the separate scrape token when there is one. With
   * neither configured, /metrics is as open as the rest of the API.
   */
  public static BearerAuth scrapers(List<ApiToken> apiTokens, ApiToken scrapeToken) {
    List<ApiToken> all = new java.util.ArrayList<>(apiTokens);
    if (scrapeToken != null) {
      all.add(scrapeToken);
    }
    return new BearerAuth(all);
  }

  private Optional<ApiToken> find(String presented) {
    byte[] digest = ApiToken.digest(presented);
    return tokens.stream().filter(token -> token.matches(digest)).findFirst();
  }

  private static Optional<String> presented(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    return Optional.of(header.substring(7).trim()).filter(token -> !token.isEmpty());
  }
}
