package io.fleetpulse.api.notify;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A webhook receiver for tests: records what it is sent and answers with a scripted status. */
final class RecordingReceiver implements AutoCloseable {

  record Received(String path, MultiMap headers, String body) {}

  private final Vertx vertx = Vertx.vertx();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile int failureStatus = 503;
  private volatile String refusedWhileContaining;
  private volatile Function<Received, String> answer = request -> "ok";
  private final AtomicInteger refused = new AtomicInteger();
  private HttpServer server;

  RecordingReceiver start(int port) {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      String refusing = refusedWhileContaining;
      if (refusing != null && body.toString().contains(refusing)) {
        refused.incrementAndGet();
        request.response().setStatusCode(503).putHeader("Retry-After", "0").end();
        return;
      }
      if (failuresLeft.getAndDecrement() > 0) {
        request.response().setStatusCode(failureStatus).putHeader("Retry-After", "0").end();
        return;
      }
      Received got = new Received(request.path(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.toString());
      received.add(got);
      request.response().setStatusCode(200).end(answer.apply(got));
    })).listen(port, "127.0.0.1").await();
    return this;
  }

  /** The next {@code count} requests get {@code status} instead of 200. */
  RecordingReceiver failNext(int count, int status) {
    failureStatus = status;
    failuresLeft.set(count);
    return this;
  }

  /** What a 200 carries, by request (default "ok"): a receiver that answers like Slack's Web API, for instance. */
  RecordingReceiver answerWith(Function<Received, String> answer) {
    this.answer = answer;
    return this;
  }

  /** Answers 503 to every request whose body contains {@code marker} until called again with null. */
  RecordingReceiver refuseWhileContaining(String marker) {
    refusedWhileContaining = marker;
    return this;
  }

  /** Requests answered 503 by {@link #refuseWhileContaining}. */
  int refused() {
    return refused.get();
  }

  int port() {
    return server.actualPort();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
