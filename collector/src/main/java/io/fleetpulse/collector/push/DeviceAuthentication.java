package io.fleetpulse.collector.push;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.schemas.Topics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Who is pushing, asked the same way on every push endpoint ({@code /entries}, {@code /upload},
 * {@code /metrics}, with or without a fleet prefix), so that no endpoint is left open while another
 * requires a credential:
 *
 * <ul>
 *   <li>with a client CA (mTLS), the verified certificate's CN is the device's uuid;
 *   <li>with a tokens file, the request carries the device's token, either as
 *       {@code Authorization: Bearer <token>} or as HTTP Basic with the device uuid as user name, which
 *       is what libcurl, and so the real systemd-journal-upload, sends for {@code https://UUID:TOKEN@host/…}.
 * </ul>
 *
 * With both configured, both are required. A device's fleet is the one registered for it (the
 * certificate's OU, the tokens file's third column); a path naming another fleet is refused (403), so a
 * request cannot move a device. A device without a registered fleet is in the fleet its path names, or
 * {@value DeviceRef#DEFAULT_FLEET} without a prefix: only a request carrying its own credential can say so.
 */
final class DeviceAuthentication {

  /** 1-64 characters, none a path could take for a directory ('.', '..', '/'). */
  static final String FLEET_NAME = "[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}";
  private static final Pattern FLEET = Pattern.compile(FLEET_NAME);
  private static final String CHALLENGE = "Basic realm=\"fleetpulse devices\", Bearer";

  private final boolean mutualTls;
  private final DeviceTokens tokens;

  /**
   * @param mutualTls whether connections carry a verified device certificate
   * @param tokens the device tokens, or null when none are configured
   */
  DeviceAuthentication(boolean mutualTls, DeviceTokens tokens) {
    this.mutualTls = mutualTls;
    this.tokens = tokens;
  }

  /** A refusal: the HTTP status, why, and the reason counted in the ingest metrics. */
  record Refusal(int status, String reason, String metricReason) {}

  /** The outcome: the device, or why the request is refused. */
  record Outcome(DeviceRef device, Refusal refusal) {
    private static Outcome refused(int status, String reason, String metricReason) {
      return new Outcome(null, new Refusal(status, reason, metricReason));
    }
  }

  /** Whether a credential is asked for at all. */
  boolean required() {
    return mutualTls || tokens != null;
  }

  /** The device that pushes {@code ctx}, from its path and credentials. */
  Outcome authenticate(RoutingContext ctx) {
    String uuid = ctx.pathParam("uuid");
    String registeredFleet = null;
    if (mutualTls) {
      CertifiedDevice certified = CertifiedDevice.of(ctx.request().connection());
      if (certified == null) {
        return Outcome.refused(403, "the client certificate's CN must be the device uuid (32 lower-case hex digits)", "forbidden");
      }
      if (uuid == null) {
        uuid = certified.uuid();
      } else if (!uuid.equals(certified.uuid())) {
        return Outcome.refused(403, "the client certificate is for device " + certified.uuid() + ", not " + uuid, "forbidden");
      }
      registeredFleet = certified.fleet();
    }
    if (tokens != null) {
      Credential credential = Credential.of(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
      if (credential == null) {
        return unauthorized(ctx, "this device's token is required: Authorization: Bearer <token>, or HTTP Basic "
            + "<device uuid>:<token> (https://UUID:TOKEN@host/… for systemd-journal-upload)");
      }
      if (credential.user() != null) {
        if (uuid == null) {
          uuid = credential.user();
        } else if (!uuid.equals(credential.user())) {
          return unauthorized(ctx, "the user name of the Basic credential must be the device uuid " + uuid);
        }
      }
      if (uuid == null) {
        return unauthorized(ctx, "a bearer token does not name its device: push to /devices/{uuid}/upload, or send "
            + "HTTP Basic <device uuid>:<token>");
      }
      if (!tokens.permits(uuid, credential.token())) {
        return unauthorized(ctx, "the token is not device " + uuid + "'s");
      }
      if (registeredFleet == null) {
        registeredFleet = tokens.registeredFleet(uuid);
      }
    }
    if (uuid == null) {
      return Outcome.refused(400, "no device uuid: push to /devices/{uuid}/upload, or to /upload with a device "
          + "certificate (mTLS) or HTTP Basic credentials <device uuid>:<token>", "bad_path");
    }
    if (!Topics.isDeviceUuid(uuid)) {
      return Outcome.refused(400, "device uuid must be 32 (or legacy 62) lower-case hex digits: " + uuid, "bad_path");
    }
    String fleet = ctx.pathParam("fleet");
    if (fleet != null && !FLEET.matcher(fleet).matches()) {
      return Outcome.refused(400, "fleet name must be 1-64 characters of [A-Za-z0-9._-], not starting with '.': " + fleet,
          "bad_path");
    }
    if (registeredFleet != null && fleet != null && !fleet.equals(registeredFleet)) {
      return Outcome.refused(403, "device " + uuid + " is registered in fleet " + registeredFleet + ", not " + fleet
          + "; push to /fleets/" + registeredFleet + "/… or without a fleet prefix", "forbidden");
    }
    String effective = fleet != null ? fleet : registeredFleet != null ? registeredFleet : DeviceRef.DEFAULT_FLEET;
    return new Outcome(new DeviceRef(uuid, effective), null);
  }

  private static Outcome unauthorized(RoutingContext ctx, String reason) {
    ctx.response().putHeader("WWW-Authenticate", CHALLENGE);
    return Outcome.refused(401, reason, "unauthorized");
  }

  /** A token from an Authorization header, with the Basic user name when there is one. */
  private record Credential(String user, String token) {

    static Credential of(String header) {
      if (header == null) {
        return null;
      }
      if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        String token = header.substring(7).strip();
        return token.isEmpty() ? null : new Credential(null, token);
      }
      if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
        String decoded;
        try {
          decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return null;
        }
        int colon = decoded.indexOf(':');
        return colon <= 0 ? null : new Credential(decoded.substring(0, colon), decoded.substring(colon + 1));
      }
      return null;
    }
  }
}
