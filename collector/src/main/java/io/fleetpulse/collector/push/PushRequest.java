package io.fleetpulse.collector.push;

import io.fleetpulse.collector.dedup.SequenceMarkStore;
import io.fleetpulse.collector.dedup.SequenceMarks;
import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.collector.journal.JournalFields;
import io.fleetpulse.collector.journal.MalformedEntryException;
import io.fleetpulse.collector.publish.TransactionInDoubtException;
import io.fleetpulse.schemas.JournalEntry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One push, read as it streams in: decoded and normalised entry by entry, re-sent entries dropped,
 * the rest published in batches, 202 once Kafka has acknowledged every one.
 *
 * <p>A request of up to {@value #BATCH_ENTRIES} entries (and {@value #BATCH_BYTES} bytes) is published
 * whole or refused whole. A larger one (systemd-journal-upload sends its whole backlog in one request)
 * is published batch by batch while the body is paused, so memory stays bounded; if it then turns
 * out to be malformed, the batches before the bad entry stay accepted (the error says how many), and a
 * corrected re-send of the same entries is deduplicated.
 *
 * <p>Limits are enforced while the body is read, before anything is committed: each new entry takes a
 * token from its device's rate budget as it is parsed, and each chunk reserves its bytes in the collector's
 * {@link InFlightBudget}. A push that runs out stops reading there: what it had accepted is committed,
 * its dedup marks cover exactly that, and it is answered 429 (rate) or 503 (memory) with
 * {@code Retry-After} and {@code accepted}; the device re-sends the rest later (the accepted part is then
 * recognised as re-sent, and costs no budget).
 */
final class PushRequest {

  static final int BATCH_ENTRIES = 1000;
  static final int BATCH_BYTES = 1024 * 1024;
  private static final Logger log = LoggerFactory.getLogger(PushRequest.class);
  private static final String KAFKA_RETRY_AFTER_SECONDS = "5";

  private final RoutingContext ctx;
  private final DeviceRef device;
  private final EntryDecoder decoder;
  private final PushPipeline pipeline;
  private SequenceMarks.ResendFilter resent;
  private final Instant receivedAt = Instant.now();
  private final long startedNanos = System.nanoTime();
  private final Promise<Void> done = Promise.promise();
  private List<JournalEntry> batch = new ArrayList<>();
  private long batchBytes;
  private long bytes;
  private int index;
  private int accepted;
  private int duplicates;
  private boolean overRateLimit;
  private boolean stopping;
  private long reservedBytes;
  private Future<Void> flushing = Future.succeededFuture();
  private final ConnectionLimits connections;
  private long idleTimer = -1;
  private final long deadlineTimer;

  PushRequest(RoutingContext ctx, DeviceRef device, EntryDecoder decoder, PushPipeline pipeline, ConnectionLimits connections) {
    this.ctx = ctx;
    this.device = device;
    this.decoder = decoder;
    this.pipeline = pipeline;
    this.connections = connections;
    // A push that never ends (a trickle, or a body stalled while it waited for its lane) must not hold its
    // device's lane: past the deadline it is answered 408 and its connection closed.
    this.deadlineTimer = ctx.vertx().setTimer(connections.requestDeadline().toMillis(),
        id -> timedOut("the push took longer than " + connections.requestDeadline().toSeconds() + " s"));
    done.future().onComplete(finished -> {
      ctx.vertx().cancelTimer(deadlineTimer);
      stopIdleTimer();
      releaseMemory(Long.MAX_VALUE);
    });
    // The body stays paused until run(): the push may wait for the device's previous one, and by then
    // a small body (HTTP/2 in particular) may have arrived whole, so the handlers must be in place now.
    HttpServerRequest request = ctx.request();
    request.pause();
    ctx.response().closeHandler(ignored -> finish());
    request.handler(this::chunk);
    request.exceptionHandler(error -> {
      log.debug("Push from {} broke off: {}", device.uuid(), error.toString());
      finish();
    });
    request.endHandler(ignored -> end());
  }

  /**
   * Reads, publishes and answers the push, once the device's previous push has finished; completes
   * when it is answered or its sender went away.
   */
  Future<Void> run() {
    if (done.future().isComplete()) {
      return done.future(); // the sender went away while the push waited
    }
    // Every mark of the device written before now, by any collector, is known before the push is filtered:
    // a retry of a push another replica just answered 202 is recognised.
    Future.fromCompletionStage(pipeline.markStore().upToDate(device.uuid()), ctx.vertx().getOrCreateContext())
        .onComplete(upToDate -> {
          if (done.future().isComplete()) {
            return;
          }
          if (upToDate.failed()) {
            log.warn("Push from device {} refused: its dedup marks are not known yet ({})", device.uuid(), upToDate.cause().getMessage());
            answerKafkaUnavailable();
          } else {
            read();
          }
        });
    return done.future();
  }

  private void read() {
    if (pipeline.marks().isInDoubt(device.uuid())) {
      // Its previous push's commit was interrupted: until Kafka tells whether it landed, a re-send
      // cannot be told from new entries.
      log.info("Push from device {} refused until the outcome of its previous push is known", device.uuid());
      answerKafkaUnavailable();
      return;
    }
    resent = pipeline.marks().filterFor(device.uuid());
    if ("100-continue".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.EXPECT))) {
      ctx.response().writeContinue();
    }
    ctx.request().resume();
    restartIdleTimer();
  }

  /** While the collector reads the body, it must keep coming: {@code bodyIdleTimeout} without a byte is a stalled push. */
  private void restartIdleTimer() {
    stopIdleTimer();
    idleTimer = ctx.vertx().setTimer(connections.bodyIdleTimeout().toMillis(),
        id -> timedOut("no body bytes for " + connections.bodyIdleTimeout().toSeconds() + " s"));
  }

  private void stopIdleTimer() {
    if (idleTimer >= 0) {
      ctx.vertx().cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }

  /**
   * 408 and the connection closed; what was not yet committed of this push never will be (the device
   * re-sends it, and what was committed before is recognised as re-sent).
   */
  private void timedOut(String reason) {
    if (ctx.response().ended() || done.future().isComplete()) {
      return;
    }
    log.info("Push from device {} timed out: {} ({} entries accepted before)", device.uuid(), reason, accepted);
    batch = new ArrayList<>();
    // The rest of the body will not be read: once the answer is out, the connection goes.
    refuse(reason + "; re-send the push (entries already accepted are recognised)", 408, "timeout")
        .onComplete(written -> ctx.request().connection().close());
  }

  private void chunk(Buffer chunk) {
    if (ctx.response().ended() || stopping) {
      return;
    }
    restartIdleTimer();
    bytes += chunk.length();
    pipeline.metrics().bytes(chunk.length());
    if (bytes > pipeline.limits().maxRequestBytes()) {
      refuse("request is over the limit of " + pipeline.limits().maxRequestBytes() + " bytes", 413, "too_large");
      return;
    }
    if (!pipeline.memory().tryReserve(chunk.length())) {
      stop(503, "the collector is at its memory budget for pushes in flight (collector.limits.inFlightBytes = "
          + pipeline.memory().limit() + ")", "memory_budget", KAFKA_RETRY_AFTER_SECONDS);
      return;
    }
    reserveMemory(chunk.length());
    batchBytes += chunk.length();
    boolean withinBytes = pipeline.rateLimiter().chargeBytes(device.uuid(), chunk.length());
    try {
      decoder.feed(chunk, this::entry);
    } catch (MalformedEntryException e) {
      refuse(e);
      return;
    }
    if (overRateLimit || !withinBytes) {
      stopOverRateLimit();
      return;
    }
    if (batch.size() >= BATCH_ENTRIES || batchBytes >= BATCH_BYTES) {
      // Not reading while Kafka commits: the silence is ours, not the device's.
      ctx.request().pause();
      stopIdleTimer();
      flushing = flush().onSuccess(ignored -> {
        ctx.request().resume();
        restartIdleTimer();
      });
    }
  }

  private void stopOverRateLimit() {
    long seconds = Math.max(1, (pipeline.rateLimiter().waitBeforeNextPush(device.uuid()).toMillis() + 999) / 1000);
    stop(429, "device " + device.uuid() + " is over its rate limit; retry in " + seconds + " s", "rate_limited",
        Long.toString(seconds));
  }

  /**
   * Stops reading at a limit: commits what was accepted before it, then answers {@code status} with
   * {@code Retry-After} and the count accepted; the connection closes with the answer.
   */
  private void stop(int status, String reason, String metricReason, String retryAfterSeconds) {
    stopping = true;
    ctx.request().pause();
    stopIdleTimer();
    flushing = flushing.compose(ignored -> flush()).onSuccess(ignored -> {
      log.info("Push from device {} stopped after {} entries: {}", device.uuid(), accepted, reason);
      pipeline.metrics().rejected(metricReason);
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, retryAfterSeconds).putHeader(HttpHeaders.CONNECTION, "close");
      reply(status, new JsonObject().put("error", reason + "; the entries after the first " + accepted
          + " of this request were not taken: re-send them (those accepted are recognised)")
          .put("accepted", accepted).put("duplicates", duplicates));
    });
  }

  private void end() {
    stopIdleTimer();
    if (ctx.response().ended() || stopping) {
      return;
    }
    try {
      decoder.finish(this::entry);
    } catch (MalformedEntryException e) {
      refuse(e);
      return;
    }
    if (overRateLimit) {
      stopOverRateLimit();
      return;
    }
    flushing = flushing.compose(ignored -> flush());
    flushing.onSuccess(ignored -> reply(202,
        new JsonObject().put("accepted", accepted).put("duplicates", duplicates)));
  }

  /** A decoded entry: dropped when re-sent, refused past the device's rate budget, else taken into the batch. */
  private void entry(JournalFields fields) throws MalformedEntryException {
    if (overRateLimit) {
      return;
    }
    JournalEntry entry = pipeline.normalizer().normalize(fields, device, receivedAt, pipeline.ingest());
    pipeline.metrics().received(1);
    if (resent.isResent(entry)) {
      index++;
      duplicates++;
      pipeline.metrics().deduplicated(1);
    } else if (pipeline.rateLimiter().takeEntry(device.uuid())) {
      index++;
      resent.letThrough(entry);
      batch.add(entry);
    } else {
      overRateLimit = true;
    }
  }

  private synchronized void reserveMemory(long bytes) {
    reservedBytes += bytes;
  }

  /** Gives back up to {@code bytes} of this push's reservation (all of it once the push is over). */
  private synchronized void releaseMemory(long bytes) {
    long released = Math.min(bytes, reservedBytes);
    reservedBytes -= released;
    pipeline.memory().release(released);
  }

  /**
   * Commits the batch so far together with the device's dedup mark; fails (after answering 503) when
   * Kafka did not take it, and then none of it is in Kafka.
   */
  private Future<Void> flush() {
    List<JournalEntry> sending = batch;
    long sendingBytes = batchBytes;
    batch = new ArrayList<>();
    batchBytes = 0;
    if (sending.isEmpty()) {
      releaseMemory(sendingBytes);
      return Future.succeededFuture();
    }
    Map<String, Long> marks = resent.marks();
    long sentNanos = System.nanoTime();
    return pipeline.publisher().publish(device.uuid(), sending, SequenceMarkStore.record(device.uuid(), marks))
        .onComplete(finished -> releaseMemory(sendingBytes))
        .onSuccess(committed -> {
          pipeline.metrics().produced(Duration.ofNanos(System.nanoTime() - sentNanos));
          // The marks advance when the store's follower reads them back (read_committed), and the device's next
          // push waits for that (its read barrier): dedup then rests on what Kafka committed, not on what we were told.
          accepted += sending.size();
          pipeline.metrics().accepted(sending.size());
        })
        .onFailure(error -> {
          if (error instanceof TransactionInDoubtException doubt) {
            pipeline.marks().inDoubt(device.uuid(), doubt.committed());
          }
          log.warn("Kafka did not take {} entries from device {}: {}", sending.size(), device.uuid(), error.toString());
          answerKafkaUnavailable();
        });
  }

  private void answerKafkaUnavailable() {
    pipeline.metrics().rejected("kafka_unavailable");
    ctx.response().putHeader(HttpHeaders.RETRY_AFTER, KAFKA_RETRY_AFTER_SECONDS).putHeader(HttpHeaders.CONNECTION, "close");
    reply(503, new JsonObject().put("error", "Kafka is not reachable; nothing was lost, retry later")
        .put("accepted", accepted));
  }

  /** Refuses the request because of the entry being read (numbered from 0, blank lines not counted). */
  private void refuse(MalformedEntryException e) {
    String already = accepted == 0 ? "" : " (" + accepted + " entries of this request were already accepted; re-sending them is safe)";
    refuse("entry " + index + ": " + e.getMessage() + already, e.tooLarge() ? 413 : 400, e.tooLarge() ? "too_large" : "malformed");
  }

  private Future<Void> refuse(String reason, int status, String metricReason) {
    log.info("Refused push from device {}: {}", device.uuid(), reason);
    pipeline.metrics().rejected(metricReason);
    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    return reply(status, new JsonObject().put("error", reason));
  }

  /**
   * Ends the push (answered, or its sender gone) once what it handed to Kafka is settled: only then may the
   * device's next push run. A device that gave up waiting (a cellular link dropping, an HTTP timeout) re-sends
   * at once; run while this push's batch still waited for Kafka, the re-send was filtered against marks without
   * that batch, and both were committed (bench crash --target BROKER under CPU load: five devices' pushes doubled).
   */
  private void finish() {
    flushing.onComplete(settled -> done.tryComplete());
  }

  /** Answers (once); completes when the answer is written. */
  private Future<Void> reply(int status, JsonObject body) {
    if (ctx.response().ended()) {
      return Future.succeededFuture();
    }
    pipeline.metrics().requestCompleted(status, Duration.ofNanos(System.nanoTime() - startedNanos));
    Future<Void> written = ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
    finish();
    if (status >= 400) {
      LingeringClose.discardRestOf(ctx);
    }
    return written;
  }
}
