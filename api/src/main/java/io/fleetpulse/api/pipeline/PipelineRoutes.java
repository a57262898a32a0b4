package io.fleetpulse.api.pipeline;

import io.fleetpulse.api.ApiResponses;
import io.fleetpulse.api.auth.BearerAuth;
import io.fleetpulse.api.auth.Role;
import io.fleetpulse.api.pipeline.TransactionInspector.Ending;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The pipeline's health for operators: {@code GET /api/v1/pipeline} (viewer) shows the partitions the
 * {@link PipelineWatchdog} found stalled behind an open transaction; {@code POST
 * /api/v1/pipeline/stalled/abort} (admin) aborts the transactions holding them now, the admin role's
 * action for deployments that run with {@code pipeline.abortHanging=false} (an operator decides).
 */
public final class PipelineRoutes {

  private final PipelineWatchdog watchdog;
  private final BearerAuth auth;

  public PipelineRoutes(PipelineWatchdog watchdog, BearerAuth auth) {
    this.watchdog = watchdog;
    this.auth = auth;
  }

  public void mount(Router router) {
    router.get("/api/v1/pipeline").handler(this::status);
    router.post("/api/v1/pipeline/stalled/abort").handler(auth.require(Role.ADMIN)).handler(this::abortStalled);
  }

  private void status(RoutingContext ctx) {
    JsonArray stalled = new JsonArray();
    watchdog.stalled().forEach(partition -> stalled.add(json(partition)));
    ApiResponses.json(ctx, 200, new JsonObject().put("stalledPartitions", stalled)
        .put("abortHanging", watchdog.abortsAutomatically()));
  }

  private void abortStalled(RoutingContext ctx) {
    Future.fromCompletionStage(watchdog.endStalledNow(), ctx.vertx().getOrCreateContext())
        .onSuccess(outcomes -> {
          JsonArray results = new JsonArray();
          outcomes.forEach(outcome -> results.add(json(outcome.partition()).put("healed", outcome.healed())
              .put("ending", outcome.ending().map(Enum::name).orElse(null))
              .put("aborted", outcome.ending().filter(ending -> ending != Ending.COMMITTED).isPresent())
              .put("outcome", outcome.reason())));
          ApiResponses.json(ctx, 200, new JsonObject().put("partitions", results));
        })
        .onFailure(error -> ApiResponses.unavailable(ctx, "the watchdog could not reach Kafka: " + error.getMessage()));
  }

  private static JsonObject json(StalledPartition partition) {
    PartitionOffsets offsets = partition.offsets();
    JsonObject json = new JsonObject().put("topic", offsets.partition().topic()).put("partition", offsets.partition().partition())
        .put("lastStableOffset", offsets.lastStable()).put("highWatermark", offsets.highWatermark())
        .put("pendingRecords", offsets.pending()).put("stalledSeconds", partition.stalledFor().toSeconds());
    partition.holder().ifPresent(transaction -> json.put("heldBy", new JsonObject().put("producerId", transaction.producerId())
        .put("producerEpoch", transaction.producerEpoch()).put("startOffset", transaction.startOffset())));
    return json;
  }
}
