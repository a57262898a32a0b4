package io.fleetpulse.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Pushes a simulated fleet's journals and disk samples to a collector, as devices would: one request
 * per device per second, half the devices in the Journal Export Format (as {@code systemd-journal-upload}
 * sends it, to {@code /upload}), half as {@code journalctl -o json} lines (to {@code /entries}), disk
 * samples to {@code /metrics}. What the collector does not accept (429, 503, a refused connection) is
 * kept and sent again with the next push, entries and disk samples alike, as a real agent would.
 *
 * <p>All of a simulated fleet comes from one address, as a fleet behind one NAT gateway would, and a
 * collector caps the connections of one address ({@code collector.limits.maxConnectionsPerAddress}, 512
 * by default): at most {@link #MAX_IN_FLIGHT} requests are open at once. A device whose turn does not come
 * in a second keeps what it wrote for its next push, as a device whose uplink is busy does.
 */
final class CollectorClient {

  /** Requests open at once: under a collector's default cap of connections per address. */
  static final int MAX_IN_FLIGHT = 400;

  /** Counts of journal entries, for progress lines. */
  record Stats(long accepted, long retried, long refused) {}

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final Outbox entries = new Outbox();
  private final Outbox diskSamples = new Outbox();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  CollectorClient(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  /**
   * Sends one second of the fleet's output; completes when every request has been answered. Like
   * systemd-journal-upload, a device has one push in flight at a time: what it logs meanwhile, and what
   * must be retried, goes out with its next push, in journal order.
   */
  CompletableFuture<Void> push(FleetSimulator.Tick tick) {
    List<CompletableFuture<?>> requests = new ArrayList<>();
    entries.add(tick.entries());
    diskSamples.add(tick.diskSamples());
    for (SimulatedDevice device : entries.waiting()) {
      if (!takeTurn()) {
        break;
      }
      List<JsonObject> batch = entries.take(device);
      requests.add(entries.settle(device, batch, device.exportFormat
          ? post(device, "/upload", "application/vnd.fdo.journal", JournalExport.of(batch))
          : post(device, "/entries", "application/x-ndjson",
              batch.stream().map(JsonObject::encode).collect(Collectors.joining("\n", "", "\n")).getBytes(StandardCharsets.UTF_8)))
          .thenAccept(status -> count(status, batch.size())));
    }
    for (SimulatedDevice device : diskSamples.waiting()) {
      if (!takeTurn()) {
        break;
      }
      List<JsonObject> batch = diskSamples.take(device);
      requests.add(diskSamples.settle(device, batch, post(device, "/metrics", "application/json",
          new JsonObject().put("disk", new JsonArray(batch)).encode().getBytes(StandardCharsets.UTF_8))));
    }
    return CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new));
  }

  /** Whether one more request may go out now; the caller sends it and gives its turn back when answered. */
  private boolean takeTurn() {
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      return false;
    }
    return true;
  }

  private void count(int status, int entries) {
    if (status == 202) {
      accepted.addAndGet(entries);
    } else if (isRetried(status)) {
      retried.addAndGet(entries);
    } else {
      refused.addAndGet(entries);
    }
  }

  /** What an agent sends again: the collector was busy or behind (429, 503), or could not be reached (-1). */
  private static boolean isRetried(int status) {
    return status == 429 || status == 503 || status < 0;
  }

  Stats stats() {
    return new Stats(accepted.get(), retried.get(), refused.get());
  }

  /** The HTTP status, or -1 when the collector could not be reached. */
  private CompletableFuture<Integer> post(SimulatedDevice device, String endpoint, String contentType, byte[] body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/fleets/" + device.fleet + "/devices/" + device.uuid + endpoint))
        .timeout(Duration.ofSeconds(15))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode).exceptionally(error -> -1)
        .whenComplete((status, error) -> inFlight.decrementAndGet());
  }

  /**
   * What each device still has to send to one endpoint, oldest first, with at most one request of it in
   * flight. Devices wait in the order their backlog began, so when turns run short none is passed over for good.
   */
  private static final class Outbox {

    private final Map<SimulatedDevice, List<JsonObject>> unsent = new LinkedHashMap<>();
    private final Set<SimulatedDevice> sending = new HashSet<>();

    synchronized void add(Map<SimulatedDevice, List<JsonObject>> written) {
      written.forEach((device, items) -> unsent.merge(device, new ArrayList<>(items), Outbox::inOrder));
    }

    /** The devices with something to send and no request in flight, longest waiting first. */
    synchronized List<SimulatedDevice> waiting() {
      return unsent.keySet().stream().filter(device -> !sending.contains(device)).toList();
    }

    /** The device's whole backlog; the device is sending until {@link #settle} says it was answered. */
    synchronized List<JsonObject> take(SimulatedDevice device) {
      sending.add(device);
      List<JsonObject> batch = unsent.remove(device);
      return batch == null ? List.of() : batch;
    }

    /** Once {@code request} is answered, puts {@code batch} back before what was written meanwhile if it is to be sent again. */
    CompletableFuture<Integer> settle(SimulatedDevice device, List<JsonObject> batch, CompletableFuture<Integer> request) {
      return request.whenComplete((status, error) -> {
        synchronized (this) {
          if (error != null || isRetried(status)) {
            unsent.merge(device, batch, (writtenMeanwhile, failed) -> inOrder(failed, writtenMeanwhile));
          }
          sending.remove(device);
        }
      });
    }

    private static List<JsonObject> inOrder(List<JsonObject> earlier, List<JsonObject> later) {
      List<JsonObject> all = new ArrayList<>(earlier);
      all.addAll(later);
      return all;
    }
  }
}
