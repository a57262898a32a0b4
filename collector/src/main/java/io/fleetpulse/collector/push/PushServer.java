package io.fleetpulse.collector.push;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.collector.journal.JournalEntryNormalizer;
import io.fleetpulse.collector.journal.JournalJsonParser;
import io.fleetpulse.collector.journal.MalformedEntryException;
import io.fleetpulse.collector.publish.JournalPublisher;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's HTTP ingest: devices push their journal here (CONTRACT.md, "Ingest").
 *
 * <p>A request is read as a stream, validated entry by entry, and published only when every entry is
 * valid: a request is accepted whole or refused whole, so a sender that fixes its input and retries
 * never leaves half a batch behind. 202 is answered only once Kafka has acknowledged every entry.
 */
public final class PushServer extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(PushServer.class);
  private static final Pattern FLEET = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Set<String> JSON_TYPES = Set.of("application/x-ndjson", "application/json", "application/jsonl");
  private static final String RETRY_AFTER_SECONDS = "5";

  private final PushSettings settings;
  private final JournalPublisher publisher;
  private final JournalJsonParser jsonParser;
  private final JournalEntryNormalizer normalizer = new JournalEntryNormalizer();
  private HttpServer server;

  public PushServer(PushSettings settings, JournalPublisher publisher) {
    this.settings = settings;
    this.publisher = publisher;
    this.jsonParser = new JournalJsonParser(settings.limits());
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    for (String prefix : List.of("", "/fleets/:fleet")) {
      router.post(prefix + "/devices/:uuid/entries").handler(this::acceptJsonLines);
    }
    return vertx.createHttpServer(new HttpServerOptions().setHost(settings.host()).setPort(settings.port()))
        .requestHandler(router)
        .listen()
        .onSuccess(listening -> {
          server = listening;
          log.info("Collector accepting pushes on http://{}:{}", settings.host(), listening.actualPort());
        });
  }

  /** The port actually bound (differs from the setting when that was 0). */
  public int port() {
    return server.actualPort();
  }

  private void acceptJsonLines(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    DeviceRef device = deviceOf(ctx);
    if (device == null) {
      return;
    }
    String contentType = mediaType(request.getHeader(HttpHeaders.CONTENT_TYPE));
    if (!JSON_TYPES.contains(contentType)) {
      reply(ctx, 415, "Content-Type must be application/x-ndjson or application/json (journalctl -o json output), not " + contentType);
      return;
    }
    String declaredLength = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declaredLength != null && parseLength(declaredLength) > settings.limits().maxRequestBytes()) {
      reply(ctx, 413, "request is " + declaredLength + " bytes, over the limit of " + settings.limits().maxRequestBytes());
      return;
    }
    new JsonLinesRequest(ctx, device).read();
  }

  /** One push of journalctl JSON lines, read as it streams in. */
  private final class JsonLinesRequest {
    private final RoutingContext ctx;
    private final DeviceRef device;
    private final Instant receivedAt = Instant.now();
    private final LineAssembler lines = new LineAssembler(settings.limits().maxEntryBytes());
    private final List<JournalEntry> entries = new ArrayList<>();
    private long bytes;
    private int index;
    private boolean refused;

    JsonLinesRequest(RoutingContext ctx, DeviceRef device) {
      this.ctx = ctx;
      this.device = device;
    }

    void read() {
      HttpServerRequest request = ctx.request();
      request.handler(chunk -> {
        if (refused) {
          return;
        }
        bytes += chunk.length();
        if (bytes > settings.limits().maxRequestBytes()) {
          refuse("request is over the limit of " + settings.limits().maxRequestBytes() + " bytes", true);
          return;
        }
        try {
          lines.feed(chunk, this::entry);
        } catch (MalformedEntryException e) {
          refuse(e);
        }
      });
      request.exceptionHandler(error -> log.debug("Push from {} broke off: {}", device.uuid(), error.toString()));
      request.endHandler(ignored -> {
        if (refused) {
          return;
        }
        try {
          lines.finish(this::entry);
        } catch (MalformedEntryException e) {
          refuse(e);
          return;
        }
        publisher.publish(entries)
            .onSuccess(done -> ctx.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("accepted", entries.size()).encode()))
            .onFailure(error -> {
              log.warn("Kafka did not take {} entries from device {}: {}", entries.size(), device.uuid(), error.toString());
              ctx.response().putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
              reply(ctx, 503, "Kafka is not reachable; nothing was lost, retry later");
            });
      });
      request.resume();
    }

    private void entry(Buffer line) throws MalformedEntryException {
      if (isBlank(line)) {
        return;
      }
      byte[] bytes = line.getBytes();
      entries.add(normalizer.normalize(jsonParser.parse(bytes, 0, bytes.length), device, receivedAt, "push-json"));
      index++;
    }

    /** Refuses the request because of the entry being read (numbered from 0, blank lines not counted). */
    private void refuse(MalformedEntryException e) {
      refuse("entry " + index + ": " + e.getMessage(), e.tooLarge());
    }

    private void refuse(String reason, boolean tooLarge) {
      refused = true;
      log.info("Refused push from device {}: {}", device.uuid(), reason);
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      reply(ctx, tooLarge ? 413 : 400, reason);
    }
  }

  private static DeviceRef deviceOf(RoutingContext ctx) {
    String uuid = ctx.pathParam("uuid");
    if (!Topics.isDeviceUuid(uuid)) {
      reply(ctx, 400, "device uuid must be 32 (or legacy 62) lower-case hex digits: " + uuid);
      return null;
    }
    String fleet = ctx.pathParam("fleet");
    if (fleet == null) {
      return new DeviceRef(uuid, DeviceRef.DEFAULT_FLEET);
    }
    if (!FLEET.matcher(fleet).matches()) {
      reply(ctx, 400, "fleet name must be 1-64 characters of [A-Za-z0-9._-]: " + fleet);
      return null;
    }
    return new DeviceRef(uuid, fleet);
  }

  private static void reply(RoutingContext ctx, int status, String reason) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("error", reason).encode());
  }

  private static String mediaType(String header) {
    if (header == null) {
      return "none";
    }
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(java.util.Locale.ROOT);
  }

  private static long parseLength(String header) {
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean isBlank(Buffer line) {
    for (int i = 0; i < line.length(); i++) {
      byte b = line.getByte(i);
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
