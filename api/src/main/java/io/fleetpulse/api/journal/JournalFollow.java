package io.fleetpulse.api.journal;

import io.fleetpulse.streams.journal.StoredJournal;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client following a device's journal ({@code follow=true}): server-sent events, one JSON line each with the
 * line's place in the journal as its id, new lines looked for twice a second (one look at a time, so none goes
 * out twice). A quiet stream gets a comment every few seconds, so relays keep it and a vanished client fills its
 * buffer; a client that leaves its buffer full is dropped with a last event saying so, and nothing waits for it.
 */
final class JournalFollow {

  private static final Logger log = LoggerFactory.getLogger(JournalFollow.class);
  /** How often a followed journal looks for new lines. */
  private static final Duration EVERY = Duration.ofMillis(500);
  /** Below the idle timeout of an instance relaying a follow to the owner (5 s). */
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(3);
  /** What a following client may leave unread before it is dropped. */
  private static final int BUFFER_BYTES = 1 << 20;

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final String device;
  private final Predicate<StoredJournal.Line> matches;
  /** Blocking: the device's kept lines after a line's key. */
  private final Function<String, List<StoredJournal.Line>> linesAfter;
  private String last;
  private boolean reading;
  private long quietSince = System.nanoTime();

  JournalFollow(Vertx vertx, HttpServerResponse response, String device, Predicate<StoredJournal.Line> matches,
                Function<String, List<StoredJournal.Line>> linesAfter) {
    this.vertx = vertx;
    this.response = response;
    this.device = device;
    this.matches = matches;
    this.linesAfter = linesAfter;
  }

  /** Sends {@code first}, then every matching line kept after {@code after}, until the client goes. */
  void start(List<StoredJournal.Line> first, String after) {
    response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream").putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .setWriteQueueMaxSize(BUFFER_BYTES);
    first.forEach(this::send);
    last = after;
    long timer = vertx.setPeriodic(EVERY.toMillis(), id -> look());
    response.closeHandler(closed -> vertx.cancelTimer(timer));
    response.endHandler(ended -> vertx.cancelTimer(timer));
  }

  private void look() {
    if (reading || response.ended() || response.closed()) {
      return;
    }
    reading = true;
    String from = last;
    vertx.executeBlocking(() -> linesAfter.apply(from), false).onComplete(done -> reading = false).onSuccess(lines -> {
      if (response.ended() || response.closed()) {
        return;
      }
      for (StoredJournal.Line line : lines) {
        last = line.key();
        if (!matches.test(line)) {
          continue;
        }
        if (response.writeQueueFull()) {
          log.info("journal follow of device {} dropped: the client left {} KiB unread", device, BUFFER_BYTES / 1024);
          response.end("event: dropped\ndata: this client read too slowly; follow again with Last-Event-ID set to the last id it got\n\n");
          return;
        }
        send(line);
      }
      if (System.nanoTime() - quietSince > KEEP_ALIVE.toNanos()) {
        response.write(":\n\n");
        quietSince = System.nanoTime();
      }
    });
  }

  private void send(StoredJournal.Line line) {
    response.write("id: " + line.key() + "\ndata: " + JournalRoutes.entryJson(line.entry()).encode() + "\n\n");
    quietSince = System.nanoTime();
  }
}
