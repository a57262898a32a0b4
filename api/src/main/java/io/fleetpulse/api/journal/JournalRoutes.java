package io.fleetpulse.api.journal;

import io.fleetpulse.api.ApiResponses;
import io.fleetpulse.api.auth.BearerAuth;
import io.fleetpulse.api.auth.Role;
import io.fleetpulse.api.devices.QueryParameters;
import io.fleetpulse.api.routing.OwnerRouting;
import io.fleetpulse.api.routing.StandbyRead;
import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.alerts.AlertsStore;
import io.fleetpulse.streams.journal.AlertJournal;
import io.fleetpulse.streams.journal.DeviceJournalStore;
import io.fleetpulse.streams.journal.JournalAnchor;
import io.fleetpulse.streams.journal.StoredJournal;
import io.fleetpulse.streams.time.EventTime;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/devices/{uuid}/journal}: a device's recent journal lines from what the topology keeps
 * ({@link DeviceJournalStore}), with journalctl's filters, around a time or an alert, or in a window; JSON, or
 * with {@code Accept: text/plain} the lines as {@code TZ=UTC journalctl -o short-iso} prints them. Read on the
 * instance that owns the device, a few thousand lines at most per device: never a scan of a partition.
 */
public final class JournalRoutes {

  private static final Logger log = LoggerFactory.getLogger(JournalRoutes.class);

  private final Vertx vertx;
  private final KafkaStreams streams;
  private final OwnerRouting owners;
  private final BearerAuth auth;
  private final Role readers;

  /** @param readers who may read journals: viewers (every token), or admins only ({@code api.journalRole}) */
  public JournalRoutes(Vertx vertx, KafkaStreams streams, OwnerRouting owners, BearerAuth auth, Role readers) {
    this.vertx = vertx;
    this.streams = streams;
    this.owners = owners;
    this.auth = auth;
    this.readers = readers;
  }

  public void mount(Router router) {
    router.get("/api/v1/devices/:uuid/journal").handler(auth.require(readers)).handler(this::parse).handler(owners.forStore(DeviceJournalStore.LINES)).handler(this::read);
  }

  /** Bad parameters are the client's mistake wherever the device lives: answered before routing. */
  private void parse(RoutingContext ctx) {
    try {
      QueryParameters params = new QueryParameters(ctx);
      params.pathDeviceUuid();
      ctx.put(JournalRequest.class.getName(), JournalRequest.parse(params));
      ctx.next();
    } catch (QueryParameters.BadParameter e) {
      e.answer(ctx);
    }
  }

  private void read(RoutingContext ctx) {
    String uuid = ctx.pathParam("uuid");
    JournalRequest request = ctx.get(JournalRequest.class.getName());
    boolean fromStandby = StandbyRead.allowed(ctx);
    boolean text = wantsText(ctx);
    // Journals can hold secrets: who read which device's is logged (the token's name, never its value).
    log.info("journal read: device {} by {} ({})", uuid, BearerAuth.who(ctx), ctx.request().query());
    if (request.follow()) {
      follow(ctx, uuid, request, fromStandby);
      return;
    }
    vertx.executeBlocking(() -> select(uuid, request, fromStandby), false)
        .onSuccess(result -> {
          if (result.notFound() != null) {
            ApiResponses.error(ctx, 404, result.notFound());
          } else if (text) {
            String out = ShortIsoFormat.lines(result.page().lines());
            ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(out);
          } else {
            ApiResponses.json(ctx, 200, json(uuid, result.page()));
          }
        })
        .onFailure(error -> failed(ctx, request, error));
  }

  /** Answers a read that failed: a boot that is not kept 400, state not queryable 503, else 500. */
  private static void failed(RoutingContext ctx, JournalRequest request, Throwable error) {
    if (error instanceof JournalSelection.UnknownBoot) {
      new QueryParameters.BadParameter("boot", "a boot of this device's kept journal lines", request.boot(), error.getMessage()).answer(ctx);
    } else if (error instanceof InvalidStateStoreException) {
      ApiResponses.unavailable(ctx, "device journals are not queryable yet (starting or rebalancing)");
    } else {
      ApiResponses.error(ctx, 500, "journal query failed: " + error.getMessage());
    }
  }

  /**
   * {@code follow=true}: the selected lines, then every line kept since, as server-sent events (one JSON line each,
   * its id the line's place in the journal), checked twice a second. A client that reconnects with
   * {@code Last-Event-ID} goes on from there. One that does not read is dropped once its buffer is full, with a
   * last event saying so; the server does not slow down for it.
   */
  private void follow(RoutingContext ctx, String uuid, JournalRequest request, boolean fromStandby) {
    String resumeAfter = ctx.request().getHeader("Last-Event-ID");
    vertx.executeBlocking(() -> {
      Result selected = select(uuid, request, fromStandby);
      if (selected.notFound() != null) {
        return null;
      }
      List<StoredJournal.Line> all = StoredJournal.lines(store(DeviceJournalStore.LINES, fromStandby), uuid);
      Predicate<StoredJournal.Line> matches = JournalSelection.matcher(request, all,
          StoredJournal.boots(store(DeviceJournalStore.INDEX, fromStandby), uuid));
      List<StoredJournal.Line> first = resumeAfter == null ? selected.page().lines()
          : all.stream().filter(line -> line.key().compareTo(resumeAfter) > 0).filter(matches).toList();
      return new Following(first, matches, all.get(all.size() - 1).key());
    }, false).onSuccess(following -> {
      if (following == null) {
        ApiResponses.error(ctx, 404, "device " + uuid + " has no journal lines kept");
        return;
      }
      new JournalFollow(vertx, ctx.response(), uuid, following.matches(),
          after -> StoredJournal.linesAfter(store(DeviceJournalStore.LINES, fromStandby), uuid, after))
          .start(following.first(), resumeAfter != null ? resumeAfter : following.last());
    }).onFailure(error -> failed(ctx, request, error));
  }

  /** What a follow starts with: the lines to send first, the filter for the rest, and where the device's journal ends now. */
  private record Following(List<StoredJournal.Line> first, Predicate<StoredJournal.Line> matches, String last) {}

  /** The page, or why there is none. */
  private record Result(JournalSelection.Page page, String notFound) {}

  private Result select(String uuid, JournalRequest request, boolean fromStandby) {
    List<StoredJournal.Line> lines;
    JournalAnchor anchor = null;
    if (request.alert() != null) {
      Optional<KeyValue<String, Alert>> alert = alert(uuid, request.alert(), fromStandby);
      if (alert.isEmpty()) {
        return new Result(null, "device " + uuid + " has no alert " + request.alert());
      }
      anchor = JournalAnchor.of(alert.get().value);
      List<StoredJournal.Line> kept = AlertJournal.of(store(AlertJournal.STORE, fromStandby), alert.get().key);
      Optional<JournalSelection.Page> quick = request.filtered() ? Optional.empty() : aroundAlert(uuid, request, kept, anchor, fromStandby);
      if (quick.isPresent()) {
        return new Result(quick.get(), null);
      }
      // The lines kept with the alert, beyond the journal's retention, with those still in it.
      TreeMap<String, StoredJournal.Line> both = new TreeMap<>();
      kept.forEach(line -> both.put(line.key(), line));
      StoredJournal.lines(store(DeviceJournalStore.LINES, fromStandby), uuid).forEach(line -> both.put(line.key(), line));
      lines = List.copyOf(both.values());
    } else {
      lines = StoredJournal.lines(store(DeviceJournalStore.LINES, fromStandby), uuid);
      if (request.around() != null) {
        anchor = new JournalAnchor(request.around(), Optional.empty());
      }
    }
    if (lines.isEmpty()) {
      return new Result(null, "device " + uuid + " has no journal lines kept");
    }
    Map<Long, String> boots = StoredJournal.boots(store(DeviceJournalStore.INDEX, fromStandby), uuid);
    return new Result(JournalSelection.select(request, lines, boots, anchor), null);
  }

  /**
   * An alert's window without filters, read from the lines kept with the alert (those before its first evidence
   * line and since), the device's lines between them (lines of other units may have been filed after the alert
   * fired) and the device's lines after them, at most as many as the window needs: a few hundred lines at most, not
   * the device's journal. Empty when the window reaches further back than the lines kept with the alert and the
   * device's journal holds older ones.
   */
  private Optional<JournalSelection.Page> aroundAlert(String uuid, JournalRequest request, List<StoredJournal.Line> kept,
                                                       JournalAnchor anchor, boolean fromStandby) {
    if (kept.isEmpty()) {
      return Optional.empty();
    }
    ReadOnlyKeyValueStore<String, JournalEntry> deviceLines = store(DeviceJournalStore.LINES, fromStandby);
    String first = kept.get(0).key();
    String last = kept.get(kept.size() - 1).key();
    TreeMap<String, StoredJournal.Line> both = new TreeMap<>();
    kept.forEach(line -> both.put(line.key(), line));
    StoredJournal.linesBetween(deviceLines, first, last).forEach(line -> both.put(line.key(), line));
    List<StoredJournal.Line> lines = new ArrayList<>(both.values());
    int at = anchor.indexIn(lines);
    if (request.before() > at && StoredJournal.hasLineBefore(deviceLines, uuid, first)) {
      return Optional.empty();
    }
    // Lines after the kept ones sort after them all: one more than the window needs says whether more follow.
    lines.addAll(StoredJournal.linesAfter(deviceLines, uuid, last, Math.max(0, at + request.after() - lines.size()) + 1));
    int start = Math.max(0, at - request.before());
    int end = Math.min(lines.size(), at + request.after());
    boolean moreBefore = start > 0 || StoredJournal.hasLineBefore(deviceLines, uuid, first);
    return Optional.of(new JournalSelection.Page(lines.subList(start, end), moreBefore, end < lines.size()));
  }

  /** The device's alert with this id, and its key in {@link AlertsStore}. */
  private Optional<KeyValue<String, Alert>> alert(String uuid, String id, boolean fromStandby) {
    ReadOnlyKeyValueStore<String, Alert> alerts = store(AlertsStore.NAME, fromStandby);
    try (KeyValueIterator<String, Alert> it = alerts.prefixScan(AlertsStore.devicePrefix(uuid), new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, Alert> alert = it.next();
        if (alert.value != null && id.equals(alert.value.getId())) {
          return Optional.of(alert);
        }
      }
    }
    return Optional.empty();
  }

  private <V> ReadOnlyKeyValueStore<String, V> store(String name, boolean fromStandby) {
    StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> query = StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore());
    return streams.store(fromStandby ? query.enableStaleStores() : query);
  }

  private static JsonObject json(String uuid, JournalSelection.Page page) {
    JsonArray entries = new JsonArray();
    page.lines().forEach(line -> entries.add(entryJson(line.entry())));
    return new JsonObject().put("uuid", uuid).put("entries", entries)
        .put("more", new JsonObject().put("before", page.moreBefore()).put("after", page.moreAfter()));
  }

  static JsonObject entryJson(JournalEntry entry) {
    return new JsonObject()
        .put("at", EventTime.of(entry).toString())
        .put("realtime", entry.getRealtimeUs())
        .put("monotonic", entry.getMonotonicUs())
        .put("boot", entry.getBootId())
        .put("unit", entry.getUnit())
        .put("identifier", entry.getSyslogIdentifier())
        .put("pid", entry.getPid())
        .put("priority", entry.getPriority())
        .put("message", entry.getMessageBytes() != null ? null : entry.getMessage())
        .put("cursor", entry.getCursor());
  }

  private static boolean wantsText(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.contains("text/plain") && !accept.contains("application/json");
  }
}
