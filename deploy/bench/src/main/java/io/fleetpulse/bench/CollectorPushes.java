package io.fleetpulse.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Journal pushes to the collector ({@code POST /fleets/{fleet}/devices/{uuid}/entries}, journalctl JSON lines) with
 * at most a fixed number in flight: a push beyond it is not sent and counted as refused by the client, so a slow
 * collector shows as a lower accepted rate, not as a load generator that waits.
 */
final class CollectorPushes {

  private final HttpClient http;
  private final String fleet;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong acceptedEntries = new AtomicLong();
  private final AtomicLong notSentEntries = new AtomicLong();
  private final AtomicLong refusedRequests = new AtomicLong();

  CollectorPushes(Vertx vertx, String collectorUrl, String fleet, int maxInFlight) {
    URI uri = URI.create(collectorUrl);
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost()).setDefaultPort(uri.getPort()),
        new PoolOptions().setHttp1MaxSize(maxInFlight));
    this.fleet = fleet;
    this.maxInFlight = maxInFlight;
  }

  /** Sends the lines unless {@code maxInFlight} pushes are under way; completes with the status (0 when not sent). */
  Future<Integer> push(String device, List<String> lines) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      notSentEntries.addAndGet(lines.size());
      return Future.succeededFuture(0);
    }
    return send(device, lines).andThen(done -> inFlight.decrementAndGet());
  }

  /** Whether a push could be sent now without being refused by the client. */
  boolean hasRoom() {
    return inFlight.get() < maxInFlight;
  }

  private Future<Integer> send(String device, List<String> lines) {
    Buffer body = Buffer.buffer(lines.size() * 700);
    lines.forEach(line -> body.appendString(line).appendByte((byte) '\n'));
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/fleets/" + fleet + "/devices/" + device + "/entries")
            .putHeader("Content-Type", "application/x-ndjson"))
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(ignored -> response.statusCode()))
        .map(status -> {
          if (status == 202 || status == 200) {
            acceptedEntries.addAndGet(lines.size());
          } else {
            refusedRequests.incrementAndGet();
          }
          return status;
        })
        .otherwise(error -> {
          refusedRequests.incrementAndGet();
          return -1;
        });
  }

  long acceptedEntries() {
    return acceptedEntries.get();
  }

  long notSentEntries() {
    return notSentEntries.get();
  }

  /** Answers other than 2xx, and pushes that got no answer. */
  long refusedRequests() {
    return refusedRequests.get();
  }

  void close() {
    http.close();
  }
}
