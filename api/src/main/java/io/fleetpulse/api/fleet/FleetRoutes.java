package io.fleetpulse.api.fleet;

import io.fleetpulse.api.alerts.AlertJson;
import io.fleetpulse.api.devices.CollectorStateJson;
import io.fleetpulse.api.devices.HealthJson;
import io.fleetpulse.api.devices.QueryParameters;
import io.fleetpulse.api.silence.SilenceBook;
import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.ConnectionState;
import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.DeviceStatus;
import io.fleetpulse.schemas.Status;
import io.fleetpulse.streams.alerts.AlertsStore;
import io.fleetpulse.streams.alerts.DeviceConnectionsStore;
import io.fleetpulse.streams.alerts.FiringAlertCounts;
import io.fleetpulse.streams.events.FleetEventCounts;
import io.fleetpulse.streams.alerts.FiringAlertsStore;
import io.fleetpulse.streams.fleet.FleetStores;
import io.fleetpulse.streams.releases.ReleaseStores;
import io.fleetpulse.streams.releases.Releases;
import io.fleetpulse.streams.health.DeviceHealthStores;
import io.fleetpulse.streams.health.DeviceStatusIndex;
import io.fleetpulse.streams.health.HealthCounts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Fleet-wide views: the device list, alerts, and the fleet summary. Each instance answers for its
 * own partitions; the instance a client asked combines every instance's part ({@link FleetWideAnswer}).
 */
public final class FleetRoutes {

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  private final LocalFleetState local;
  private final FleetWideAnswer answers;
  private final SilenceBook silences;

  /** @param silences what alerts are shown with: who acknowledged them, the silence they fall under */
  public FleetRoutes(LocalFleetState local, FleetWideAnswer answers, SilenceBook silences) {
    this.silences = silences;
    this.local = local;
    this.answers = answers;
  }

  public void mount(Router router) {
    router.get("/api/v1/devices").handler(this::devices);
    router.get("/api/v1/alerts").handler(this::alerts);
    router.get("/api/v1/fleet/summary").handler(this::summary);
    router.get("/api/v1/fleet/events").handler(this::eventsPerHour);
    router.get("/api/v1/fleets/:fleet/releases").handler(this::releases);
    router.get("/api/v1/collector/devices").handler(this::collectorDevices);
  }

  private void devices(RoutingContext ctx) {
    Status status;
    String fleet;
    String release;
    boolean problemsFirst;
    StatusCursor cursor;
    int limit;
    try {
      QueryParameters params = new QueryParameters(ctx);
      status = params.enumValue("status", Status.class);
      fleet = params.fleet("fleet");
      release = params.text("release");
      if (release != null && (release.isBlank() || release.length() > 128)) {
        throw new QueryParameters.BadParameter("release", "a release as devices report it (at most 128 characters), or unknown", release);
      }
      problemsFirst = "status".equals(params.oneOf("sort", List.of("uuid", "status"))) && status == null;
      cursor = problemsFirst ? StatusCursor.parse(params.text("cursor")) : StatusCursor.of(params.cursor());
      limit = params.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    } catch (QueryParameters.BadParameter e) {
      e.answer(ctx);
      return;
    }
    Comparator<JsonObject> order = problemsFirst
        ? Comparator.comparing((JsonObject row) -> StatusCursor.rank(Status.valueOf(row.getString("status")))).thenComparing(row -> row.getString("uuid"))
        : Comparator.comparing(row -> row.getString("uuid"));
    answers.answer(ctx, List.of(DeviceHealthStores.CURRENT, DeviceStatusIndex.STORE), scope -> {
      // One more than a page tells the combining instance whether there is a next page.
      Predicate<DeviceHealth> inFleet = health -> (fleet == null || fleet.equals(health.getFleet()))
          && (release == null || release.equals(Releases.of(health)));
      List<DeviceHealth> page = problemsFirst ? local.devicesByStatus(scope, cursor, inFleet, limit + 1)
          : status == null ? local.devicesAfter(scope, cursor.uuid(), inFleet, limit + 1)
          : local.devicesAfter(scope, status, cursor.uuid(), inFleet, limit + 1);
      List<JsonObject> rows = page.stream().map(HealthJson::summary).toList();
      return new JsonObject().put("devices", new JsonArray(rows));
    }, parts -> page(collect(parts, "devices"), order, limit, last -> problemsFirst
        ? new StatusCursor(Status.valueOf(last.getString("status")), last.getString("uuid")).toString() : last.getString("uuid")));
  }

  /** The devices the SSH collector tails and how it reaches each, those that logged nothing yet among them. */
  private void collectorDevices(RoutingContext ctx) {
    ConnectionState state;
    String fleet;
    String cursor;
    int limit;
    try {
      QueryParameters params = new QueryParameters(ctx);
      state = params.enumValue("state", ConnectionState.class);
      fleet = params.fleet("fleet");
      cursor = params.cursor();
      limit = params.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    } catch (QueryParameters.BadParameter e) {
      e.answer(ctx);
      return;
    }
    Comparator<JsonObject> byUuid = Comparator.comparing(row -> row.getString("uuid"));
    answers.answer(ctx, List.of(DeviceConnectionsStore.NAME, DeviceHealthStores.CURRENT), scope -> {
      Predicate<DeviceStatus> wanted = status -> (state == null || status.getState() == state) && (fleet == null || fleet.equals(status.getFleet()));
      List<JsonObject> rows = local.collectorDevices(scope, cursor, wanted, limit + 1).stream()
          .map(device -> CollectorStateJson.row(device.status(), device.lastEntryAt())).toList();
      return new JsonObject().put("devices", new JsonArray(rows));
    }, parts -> page(collect(parts, "devices"), byUuid, limit, row -> row.getString("uuid")));
  }

  private void alerts(RoutingContext ctx) {
    AlertState state;
    AlertKind kind;
    String device;
    String fleet;
    int limit;
    try {
      QueryParameters params = new QueryParameters(ctx);
      String stateParam = params.oneOf("state", List.of("firing", "resolved"));
      state = stateParam == null ? null : AlertState.valueOf(stateParam.toUpperCase(Locale.ROOT));
      kind = params.enumValue("kind", AlertKind.class);
      device = params.deviceUuid("device");
      fleet = params.fleet("fleet");
      limit = params.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    } catch (QueryParameters.BadParameter e) {
      e.answer(ctx);
      return;
    }
    Comparator<JsonObject> newestFirst = Comparator.comparing((JsonObject alert) -> alert.getString("startedAt")).reversed();
    answers.answer(ctx, List.of(state == AlertState.FIRING ? FiringAlertsStore.NAME : AlertsStore.NAME, FleetStores.INCIDENTS), scope -> {
      Predicate<Alert> wanted = alert -> (state == null || alert.getState() == state) && (kind == null || alert.getKind() == kind)
          && (device == null || device.equals(alert.getDeviceUuid())) && (fleet == null || fleet.equals(alert.getFleet()));
      // Firing alerts have an index of their own, newest first: support's everyday question costs a page, not what fires.
      List<Alert> alerts = state == AlertState.FIRING ? local.newestFiringAlerts(scope, wanted, limit)
          : local.alerts(scope).stream().filter(wanted).toList();
      List<JsonObject> rows = alerts.stream().map(AlertJson::of).toList();
      return new JsonObject().put("alerts", new JsonArray(firstN(rows, newestFirst, limit)));
    }, parts -> new JsonObject().put("alerts", new JsonArray(firstN(collect(parts, "alerts"), newestFirst, limit).stream()
        .map(this::withSilences).toList())));
  }

  /** An alert as listed, with who acknowledged it and, while it fires, the silence that keeps it from being sent. */
  private JsonObject withSilences(JsonObject alert) {
    silences.acknowledgement(alert.getString("id")).ifPresent(ack -> alert.put("acknowledged", new JsonObject().put("by", ack.by())
        .put("at", ack.at().toString()).put("note", ack.note())));
    if ("firing".equals(alert.getString("state"))) {
      silences.silencing(alert.getString("fleet"), alert.getString("device")).ifPresent(silence -> alert.put("silencedBy", silence.id()));
    }
    return alert;
  }

  /**
   * The fleet's events per kind and hour of their event time over the last {@code hours} (one fleet, or all):
   * {@code {"hours": [start, ...], "kinds": {"UNIT_RESTART": [n, ...], ...}}}, from counters the topology keeps.
   */
  private void eventsPerHour(RoutingContext ctx) {
    String fleet;
    int hours;
    try {
      QueryParameters params = new QueryParameters(ctx);
      fleet = params.fleet("fleet");
      hours = params.integer("hours", 24, 1, (int) FleetEventCounts.RETENTION.toHours());
    } catch (QueryParameters.BadParameter e) {
      e.answer(ctx);
      return;
    }
    long now = System.currentTimeMillis();
    Instant last = Instant.ofEpochMilli(now - Math.floorMod(now, FleetEventCounts.HOUR.toMillis()));
    Instant first = last.minus(FleetEventCounts.HOUR.multipliedBy(hours - 1L));
    answers.answer(ctx, List.of(FleetEventCounts.NAME), scope -> {
      JsonObject kinds = new JsonObject();
      local.eventCounts(scope, first, last).forEach((key, perHour) -> {
        String kind = key.substring(key.lastIndexOf('|') + 1);
        if (fleet == null || key.equals(FleetEventCounts.key(fleet, kind))) {
          JsonObject counts = kinds.getJsonObject(kind, new JsonObject());
          perHour.forEach((hour, count) -> FleetWideAnswer.add(counts, hour.toString(), count.intValue()));
          kinds.put(kind, counts);
        }
      });
      return new JsonObject().put("kinds", kinds);
    }, parts -> {
      List<String> starts = new ArrayList<>();
      for (Instant hour = first; !hour.isAfter(last); hour = hour.plus(FleetEventCounts.HOUR)) {
        starts.add(hour.toString());
      }
      Map<String, Map<String, Long>> sums = new TreeMap<>();
      for (JsonObject part : parts) {
        part.getJsonObject("kinds").forEach(kind -> ((JsonObject) kind.getValue()).forEach(hour -> sums
            .computeIfAbsent(kind.getKey(), k -> new HashMap<>()).merge(hour.getKey(), ((Number) hour.getValue()).longValue(), Long::sum)));
      }
      JsonObject summed = new JsonObject();
      sums.forEach((kind, perHour) -> summed.put(kind, new JsonArray(starts.stream().map(hour -> perHour.getOrDefault(hour, 0L)).toList())));
      return new JsonObject().put("hours", new JsonArray(starts)).put("kinds", summed);
    });
  }

  private void summary(RoutingContext ctx) {
    answers.answer(ctx, List.of(HealthCounts.STORE, FiringAlertCounts.NAME, FleetStores.INCIDENTS), scope -> {
      JsonObject devices = new JsonObject().put("total", 0);
      for (Status status : List.of(Status.OK, Status.WARN, Status.FAIL, Status.UNKNOWN)) {
        devices.put(status.name(), 0);
      }
      JsonObject failingChecks = new JsonObject();
      // Counters kept by the topology as health changes: a handful of reads, not one per device.
      local.healthCounts(scope).forEach((key, count) -> {
        if (key.equals(HealthCounts.TOTAL)) {
          FleetWideAnswer.add(devices, "total", count.intValue());
        } else if (key.startsWith(HealthCounts.STATUS)) {
          FleetWideAnswer.add(devices, key.substring(HealthCounts.STATUS.length()), count.intValue());
        } else if (key.startsWith(HealthCounts.FAILING)) {
          FleetWideAnswer.add(failingChecks, key.substring(HealthCounts.FAILING.length()), count.intValue());
        }
      });
      JsonObject firingAlerts = new JsonObject();
      local.firingAlertCounts(scope).forEach((key, count) -> FleetWideAnswer.add(firingAlerts, FiringAlertCounts.kind(key), count.intValue()));
      return new JsonObject().put("devices", devices).put("failingChecks", failingChecks).put("firingAlerts", firingAlerts);
    }, parts -> {
      JsonObject total = new JsonObject().put("devices", new JsonObject()).put("failingChecks", new JsonObject())
          .put("firingAlerts", new JsonObject());
      for (JsonObject part : parts) {
        for (String section : List.of("devices", "failingChecks", "firingAlerts")) {
          part.getJsonObject(section).forEach(count -> FleetWideAnswer.add(total.getJsonObject(section), count.getKey(), ((Number) count.getValue()).intValue()));
        }
      }
      return total;
    });
  }

  /**
   * A fleet's health by release, as the topology last judged it (a fleet-keyed aggregation): oldest release first, the
   * devices that never reported one last.
   */
  private void releases(RoutingContext ctx) {
    String fleet;
    try {
      fleet = new QueryParameters(ctx).pathFleet("fleet");
    } catch (QueryParameters.BadParameter e) {
      e.answer(ctx);
      return;
    }
    answers.answer(ctx, List.of(ReleaseStores.REPORTS), scope -> new JsonObject().put("releases",
        new JsonArray(local.releases(scope, fleet).stream().map(ReleasesJson::of).toList())), parts -> {
      List<JsonObject> rows = collect(parts, "releases");
      rows.sort(ReleasesJson.ORDER);
      return new JsonObject().put("fleet", fleet).put("releases", new JsonArray(rows));
    });
  }

  /** The first {@code limit} rows in {@code order}, and the cursor of the next page (null on the last). */
  private static JsonObject page(List<JsonObject> rows, Comparator<JsonObject> order, int limit, Function<JsonObject, String> cursorOf) {
    List<JsonObject> first = firstN(rows, order, limit + 1);
    String next = first.size() > limit ? cursorOf.apply(first.get(limit - 1)) : null;
    return new JsonObject().put("devices", new JsonArray(first.subList(0, Math.min(limit, first.size())))).put("next", next);
  }

  private static List<JsonObject> collect(List<JsonObject> parts, String field) {
    List<JsonObject> rows = new ArrayList<>();
    for (JsonObject part : parts) {
      part.getJsonArray(field).forEach(row -> rows.add((JsonObject) row));
    }
    return rows;
  }

  private static List<JsonObject> firstN(List<JsonObject> rows, Comparator<JsonObject> order, int n) {
    return rows.stream().sorted(order).limit(n).toList();
  }

}
