package io.fleetpulse.api.notify;

import io.fleetpulse.schemas.Alert;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The headers of a signed webhook delivery: the body's HMAC and the delivery's idempotency key. */
final class WebhookHeaders {

  /**
   * Names one delivery ({@code <alert id>:<state>}): the same on every attempt, after a restart and on a replay of
   * the dead letters, so a receiver can drop a repeat.
   */
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  /** On a resolution whose firing was dead-lettered on this route: the receiver never saw it fire. */
  static final String FIRING_UNDELIVERED = "X-Fleetpulse-Firing-Undelivered";
  /** On a delivery re-sent from the dead letters ({@code ./fleetpulse notify replay}): it is late. */
  static final String REPLAYED = "X-Fleetpulse-Replayed";

  private WebhookHeaders() {}

  static Map<String, String> of(NotifyRoute route, Alert alert, String body) {
    return Map.of("X-Fleetpulse-Signature", "sha256=" + hmacSha256(route.secret(), body),
        IDEMPOTENCY_KEY, alert.getId() + ":" + alert.getState().name().toLowerCase(Locale.ROOT));
  }

  static String hmacSha256(String secret, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }
}
