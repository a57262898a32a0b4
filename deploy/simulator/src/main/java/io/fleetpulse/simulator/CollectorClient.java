package io.fleetpulse.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Pushes a simulated fleet's journals and disk samples to a collector, as devices would: half the devices in
 * the Journal Export Format (as {@code systemd-journal-upload} sends it, to {@code /upload}), half as
 * {@code journalctl -o json} lines (to {@code /entries}), disk samples to {@code /metrics}. What the collector
 * does not accept (429, 503, no answer) is kept and sent again from the next second on, entries and disk
 * samples alike, as a real agent would.
 *
 * <p>All of a simulated fleet comes from one address, as a fleet behind one NAT gateway would, and a collector
 * caps the connections of one address ({@code collector.limits.maxConnectionsPerAddress}, 512 by default): at
 * most {@link #MAX_IN_FLIGHT} requests are open at once, on kept-alive connections. A request answered frees
 * its turn for the device that has waited longest at once, not at the next second: a fleet is held back by how
 * fast the collector answers, never by the simulator's clock. One event-loop thread does all the HTTP.
 */
final class CollectorClient implements AutoCloseable {

  /** Requests open at once: under a collector's default cap of connections per address. */
  static final int MAX_IN_FLIGHT = 400;
  private static final int REQUEST_IDLE_TIMEOUT_MS = 15_000;
  /**
   * How long a request may stay unanswered before its turn is taken back and its batch sent again. The HTTP client's
   * own timeouts did not always end a request: the suite saw a push wait forever with no socket open (about one run
   * in six on a loaded machine), every turn still counted as in flight.
   */
  private static final long ANSWER_DEADLINE_MS = 2L * REQUEST_IDLE_TIMEOUT_MS;

  /** Counts of journal entries (written by the fleet, answered 202, to send again, refused) and of requests answered. */
  record Stats(long written, long accepted, long retried, long refused, long requests) {}

  /** One request to make: a device's backlog for one endpoint. */
  private record Dispatch(Outbox outbox, SimulatedDevice device, List<JsonObject> batch) {}

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
  private final HttpClient http;
  private final String basePath;
  private final Outbox entries = new Outbox("entries");
  private final Outbox diskSamples = new Outbox("disk samples");
  /** Guarded by this. */
  private int inFlight;
  /** Guarded by this: disk samples and entries take turns, so neither starves the other when turns run short. */
  private boolean diskSamplesNext;
  /** Guarded by this: completed once nothing is in flight and nothing waits to be sent before the next second. */
  private final List<CompletableFuture<Void>> quietWaiters = new ArrayList<>();
  private volatile boolean closed;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  CollectorClient(String baseUrl) {
    URI uri = URI.create(baseUrl);
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost()).setDefaultPort(port).setSsl(tls)
        .setKeepAlive(true).setConnectTimeout(5_000), new PoolOptions().setHttp1MaxSize(MAX_IN_FLIGHT));
  }

  /**
   * Adds one second of the fleet's output and sends what it can. Like systemd-journal-upload, a device has one
   * push per endpoint in flight at a time: what it logs meanwhile, and what must be retried, goes out with its
   * next push, in journal order. Completes once nothing is in flight and nothing is left to send before the
   * next second (what was refused waits for it).
   */
  CompletableFuture<Void> push(FleetSimulator.Tick tick) {
    CompletableFuture<Void> quiet = new CompletableFuture<>();
    synchronized (this) {
      entries.add(tick.entries());
      diskSamples.add(tick.diskSamples());
      entries.wake();
      diskSamples.wake();
      quietWaiters.add(quiet);
    }
    tick.entries().values().forEach(batch -> written.addAndGet(batch.size()));
    sendWhatTurnsAllow();
    return quiet;
  }

  /** Sends the longest-waiting devices' backlogs while turns are free; a request answered calls it again. */
  private void sendWhatTurnsAllow() {
    while (!closed) {
      Dispatch next;
      synchronized (this) {
        next = inFlight < MAX_IN_FLIGHT ? nextDispatch() : null;
        if (next == null) {
          if (inFlight == 0 && entries.ready.isEmpty() && diskSamples.ready.isEmpty()) {
            quietWaiters.forEach(waiter -> waiter.complete(null));
            quietWaiters.clear();
          }
          return;
        }
        inFlight++;
      }
      send(next);
    }
  }

  private Dispatch nextDispatch() {
    Outbox first = diskSamplesNext ? diskSamples : entries;
    Outbox second = diskSamplesNext ? entries : diskSamples;
    diskSamplesNext = !diskSamplesNext;
    Outbox outbox = first.ready.isEmpty() ? second : first;
    SimulatedDevice device = outbox.ready.poll();
    return device == null ? null : new Dispatch(outbox, device, outbox.take(device));
  }

  private void send(Dispatch dispatch) {
    SimulatedDevice device = dispatch.device();
    Future<Integer> answer;
    if (dispatch.outbox() == diskSamples) {
      answer = post(device, "/metrics", "application/json",
          new JsonObject().put("disk", new JsonArray(dispatch.batch())).encode().getBytes(StandardCharsets.UTF_8));
    } else if (device.exportFormat) {
      answer = post(device, "/upload", "application/vnd.fdo.journal", JournalExport.of(dispatch.batch()));
    } else {
      answer = post(device, "/entries", "application/x-ndjson", dispatch.batch().stream().map(JsonObject::encode)
          .collect(Collectors.joining("\n", "", "\n")).getBytes(StandardCharsets.UTF_8));
    }
    AtomicBoolean settled = new AtomicBoolean();
    long deadline = vertx.setTimer(ANSWER_DEADLINE_MS, id -> answered(dispatch, -1, settled));
    answer.onComplete(result -> {
      vertx.cancelTimer(deadline);
      answered(dispatch, result.succeeded() ? result.result() : -1, settled);
    });
  }

  /** The answer to a dispatch, or -1 for none: counted, its turn freed, its batch settled; once, whichever comes first. */
  private void answered(Dispatch dispatch, int status, AtomicBoolean settled) {
    if (!settled.compareAndSet(false, true)) {
      return;
    }
    requests.incrementAndGet();
    if (dispatch.outbox() == entries) {
      count(status, dispatch.batch().size());
    }
    synchronized (this) {
      inFlight--;
      dispatch.outbox().settle(dispatch.device(), dispatch.batch(), isRetried(status));
    }
    sendWhatTurnsAllow();
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
    return new Stats(written.get(), accepted.get(), retried.get(), refused.get(), requests.get());
  }

  /** The HTTP status, or -1 when the collector could not be reached. */
  private Future<Integer> post(SimulatedDevice device, String endpoint, String contentType, byte[] body) {
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST)
        .setURI(basePath + "/fleets/" + device.fleet + "/devices/" + device.uuid + endpoint)
        .setIdleTimeout(REQUEST_IDLE_TIMEOUT_MS).putHeader("Content-Type", contentType);
    request.setConnectTimeout(REQUEST_IDLE_TIMEOUT_MS);
    return http.request(request)
        .compose(outbound -> outbound.send(Buffer.buffer(body)))
        .compose(response -> response.body().map(ignored -> response.statusCode()));
  }

  @Override
  public void close() {
    closed = true;
    vertx.close();
  }

  /**
   * What each device still has to send to one endpoint, oldest first, with at most one request of it in flight.
   * Devices wait in a queue in the order their backlog began, so when turns run short none is passed over for
   * good; a device whose request was refused rests until the next second. Guarded by the client.
   */
  private static final class Outbox {

    private final String what;
    private final Map<SimulatedDevice, List<JsonObject>> unsent = new HashMap<>();
    /** Devices with something unsent, no request in flight and not resting: the next to send, first in first out. */
    final ArrayDeque<SimulatedDevice> ready = new ArrayDeque<>();
    private final Set<SimulatedDevice> sending = new HashSet<>();
    private final List<SimulatedDevice> resting = new ArrayList<>();

    Outbox(String what) {
      this.what = what;
    }

    void add(Map<SimulatedDevice, List<JsonObject>> written) {
      written.forEach((device, items) -> {
        List<JsonObject> backlog = unsent.get(device);
        if (backlog != null) {
          backlog.addAll(items);
        } else {
          unsent.put(device, new ArrayList<>(items));
          if (!sending.contains(device)) {
            ready.add(device);
          }
        }
      });
    }

    /** A new second: devices refused in the last one may try again. */
    void wake() {
      ready.addAll(resting);
      resting.clear();
    }

    /** The device's whole backlog; the device is sending until {@link #settle} says it was answered. */
    List<JsonObject> take(SimulatedDevice device) {
      sending.add(device);
      List<JsonObject> batch = unsent.remove(device);
      if (batch == null) {
        throw new IllegalStateException("device " + device.uuid + " was ready with no " + what + " to send");
      }
      return batch;
    }

    /** The answer to {@code batch}: put back before what was written meanwhile if it is to be sent again. */
    void settle(SimulatedDevice device, List<JsonObject> batch, boolean again) {
      sending.remove(device);
      if (again) {
        List<JsonObject> meanwhile = unsent.put(device, batch);
        if (meanwhile != null) {
          batch.addAll(meanwhile);
        }
        resting.add(device);
      } else if (unsent.containsKey(device)) {
        ready.add(device);
      }
    }
  }
}
