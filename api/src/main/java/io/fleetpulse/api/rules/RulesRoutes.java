package io.fleetpulse.api.rules;

import io.fleetpulse.api.fleet.FleetWideAnswer;
import io.fleetpulse.api.fleet.LocalFleetState;
import io.fleetpulse.streams.alerts.FiringAlertCounts;
import io.fleetpulse.streams.events.FleetEventCounts;
import io.fleetpulse.streams.rules.Rule;
import io.fleetpulse.streams.rules.RulesFileWatcher;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/rules}: the users' rules in force on this instance, each with its matches over the last 24 hours
 * and its firing alerts across the fleet (from the counters the topology keeps per kind: a few reads whatever the
 * fleet's size), and why the rules file was last refused, if it was.
 */
public final class RulesRoutes {

  private static final int HOURS = 24;

  private final LocalFleetState local;
  private final FleetWideAnswer answers;
  private final Supplier<RulesFileWatcher.Status> rules;

  public RulesRoutes(LocalFleetState local, FleetWideAnswer answers, Supplier<RulesFileWatcher.Status> rules) {
    this.local = local;
    this.answers = answers;
    this.rules = rules;
  }

  public void mount(Router router) {
    router.get("/api/v1/rules").handler(this::rules);
  }

  private void rules(RoutingContext ctx) {
    long now = System.currentTimeMillis();
    Instant last = Instant.ofEpochMilli(now - Math.floorMod(now, FleetEventCounts.HOUR.toMillis()));
    Instant first = last.minus(FleetEventCounts.HOUR.multipliedBy(HOURS - 1L));
    answers.answer(ctx, List.of(FleetEventCounts.NAME, FiringAlertCounts.NAME), scope -> {
      JsonObject matches = new JsonObject();
      local.eventCounts(scope, first, last).forEach((key, perHour) -> FleetWideAnswer.add(matches, key.substring(key.lastIndexOf('|') + 1),
          perHour.values().stream().mapToInt(Long::intValue).sum()));
      JsonObject firing = new JsonObject();
      local.firingAlertCounts(scope).forEach((key, count) -> FleetWideAnswer.add(firing, FiringAlertCounts.kind(key), count.intValue()));
      return new JsonObject().put("matches", matches).put("firing", firing);
    }, parts -> {
      JsonObject matches = new JsonObject();
      JsonObject firing = new JsonObject();
      for (JsonObject part : parts) {
        part.getJsonObject("matches").forEach(kind -> FleetWideAnswer.add(matches, kind.getKey(), ((Number) kind.getValue()).intValue()));
        part.getJsonObject("firing").forEach(kind -> FleetWideAnswer.add(firing, kind.getKey(), ((Number) kind.getValue()).intValue()));
      }
      RulesFileWatcher.Status status = rules.get();
      JsonArray listed = new JsonArray();
      for (Rule rule : status.inForce().rules()) {
        listed.add(new JsonObject().put("name", rule.name()).put("event", rule.event()).put("alerts", rule.alert() != null)
            .put("matches24h", matches.getInteger(rule.event(), 0)).put("firing", firing.getInteger(rule.event(), 0)));
      }
      return new JsonObject().put("version", status.inForce().version()).put("rules", listed).put("error", status.error());
    });
  }
}
