package io.fleetpulse.api.fleet;

import io.fleetpulse.api.ApiResponses;
import io.fleetpulse.api.routing.ScatterGather;
import io.fleetpulse.api.routing.StandbyRead;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * An answer about the whole fleet: each instance computes its part from its own partitions' stores, and the instance
 * a client asked combines them ({@link ScatterGather}), saying when a part came from a standby or is missing.
 */
public final class FleetWideAnswer {

  private final Vertx vertx;
  private final ScatterGather others;

  public FleetWideAnswer(Vertx vertx, ScatterGather others) {
    this.vertx = vertx;
    this.others = others;
  }

  /**
   * Answers with the part another instance asked this one for ({@link ScatterGather#askedScope}), else with every
   * instance's parts combined; an instance that did not answer is stood in for by standby copies, and the answer says
   * so ({@code "partial"}, headers {@code X-Fleetpulse-Stale} / {@code X-Fleetpulse-Partial}). 503 while this
   * instance's own part is not queryable.
   *
   * @param stores the stores {@code localPart} reads: a standby stands in for a silent instance only if it holds them all
   */
  public void answer(RoutingContext ctx, List<String> stores, Function<PartitionScope, JsonObject> localPart,
                       Function<List<JsonObject>, JsonObject> merge) {
    Function<PartitionScope, Future<JsonObject>> local = scope -> vertx.executeBlocking(() -> localPart.apply(scope), false);
    Optional<PartitionScope> asked = others.askedScope(ctx);
    Future<JsonObject> answer = asked.isPresent() ? local.apply(asked.get())
        : others.gather(ctx, stores, local).map(gathered -> {
          JsonObject combined = merge.apply(gathered.parts());
          gathered.partial().ifPresent(partial -> combined.put("partial", partial));
          if (!gathered.stale().isEmpty()) {
            ctx.response().putHeader(StandbyRead.STALE, "standby: " + String.join("; ", gathered.stale()));
          }
          if (!gathered.missing().isEmpty()) {
            ctx.response().putHeader(ScatterGather.PARTIAL, String.join("; ", gathered.missing()));
          }
          return combined;
        });
    answer.onSuccess(json -> ApiResponses.json(ctx, 200, json))
        .onFailure(error -> {
          if (error instanceof InvalidStateStoreException) {
            ApiResponses.unavailable(ctx, "fleet state is not queryable yet (starting or rebalancing)");
          } else {
            ApiResponses.unavailable(ctx, "not every instance could answer: " + error.getMessage());
          }
        });
  }

  /** Adds {@code by} to the count under {@code key}. */
  public static void add(JsonObject counts, String key, int by) {
    counts.put(key, counts.getInteger(key, 0) + by);
  }
}
