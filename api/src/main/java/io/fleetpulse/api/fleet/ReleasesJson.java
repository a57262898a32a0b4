package io.fleetpulse.api.fleet;

import io.fleetpulse.streams.releases.ReleaseRow;
import io.fleetpulse.streams.releases.Releases;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Comparator;

/** A release row as CONTRACT.md shows it ({@code GET /api/v1/fleets/{fleet}/releases}), with the counts behind its rates. */
final class ReleasesJson {

  /** Oldest release first (by when the fleet first ran it), devices without a release last. */
  static final Comparator<JsonObject> ORDER = Comparator.comparing((JsonObject row) -> Releases.UNKNOWN.equals(row.getString("release")))
      .thenComparing(row -> row.getString("firstSeen"), Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(row -> row.getString("release"));

  private ReleasesJson() {}

  static JsonObject of(ReleaseRow row) {
    JsonObject rates = new JsonObject();
    row.rates().forEach(rates::put);
    JsonObject failing = new JsonObject();
    row.failing().forEach(failing::put);
    JsonObject versus = new JsonObject();
    // An infinite ratio (none of the kind on the previous release) is null: JSON has no infinity.
    row.vsPrevious().forEach((kind, comparison) -> versus.put(kind, new JsonObject().put("ratio", comparison.ratio()).put("p", comparison.p())));
    JsonObject events = new JsonObject();
    row.events().forEach(events::put);
    JsonObject devicesWith = new JsonObject();
    row.devicesWith().forEach(devicesWith::put);
    return new JsonObject()
        .put("release", row.release())
        .put("os", row.os())
        .put("devices", row.devices())
        .put("deviceDays", row.deviceDays())
        .put("rates", rates)
        .put("failing", failing)
        .put("previous", row.previous())
        .put("vsPrevious", versus)
        .put("regression", new JsonArray(row.regression()))
        .put("events", events)
        .put("devicesWith", devicesWith)
        .put("firstSeen", row.firstSeen() > 0 ? Instant.ofEpochMilli(row.firstSeen()).toString() : null);
  }
}
