package io.fleetpulse.api.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs one payload to one route, retrying with backoff until it is delivered, the receiver refuses it
 * for good (a 4xx other than 408/429), the attempts run out, or the notifier stops. Blocking: it runs
 * on the route's own thread, so a slow receiver holds up only its own route.
 */
final class WebhookSender {

  private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

  /** How a delivery ended; {@code error} says why it failed, for the dead-letter headers; {@code answer}: the receiver's body. */
  record Outcome(boolean delivered, boolean stopped, int attempts, String error, String answer) {
    Outcome(boolean delivered, boolean stopped, int attempts, String error) {
      this(delivered, stopped, attempts, error, null);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final RetryPolicy retry;
  private final CountDownLatch stopping;

  WebhookSender(RetryPolicy retry, CountDownLatch stopping) {
    this.retry = retry;
    this.stopping = stopping;
  }

  Outcome send(NotifyRoute route, String body, Map<String, String> headers) throws InterruptedException {
    return send(route, route.url(), body, headers);
  }

  /** The same to another URL of the route's receiver (a Slack Web API method). */
  Outcome send(NotifyRoute route, String url, String body, Map<String, String> headers) throws InterruptedException {
    String lastError = "not attempted";
    for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
      Duration retryAfter = null;
      try {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status / 100 == 2) {
          return new Outcome(true, false, attempt, null, response.body());
        }
        lastError = "HTTP " + status;
        if (status / 100 == 4 && status != 408 && status != 429) {
          log.warn("{} refused an alert with {}; not retrying", route, lastError);
          return new Outcome(false, false, attempt, lastError);
        }
        retryAfter = retryAfter(response).orElse(null);
      } catch (IOException e) {
        lastError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      }
      if (attempt == retry.maxAttempts()) {
        break;
      }
      Duration delay = retry.delayAfter(attempt, retryAfter);
      log.info("{} attempt {} failed ({}); retrying in {} ms", route, attempt, lastError, delay.toMillis());
      if (stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
        return new Outcome(false, true, attempt, "notifier stopping");
      }
    }
    return new Outcome(false, false, retry.maxAttempts(), lastError);
  }

  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").flatMap(value -> {
      try {
        return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }
}
