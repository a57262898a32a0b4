package io.fleetpulse.api.routing;

import io.vertx.ext.web.RoutingContext;

/**
 * A device read answered by a standby replica of the device's state because the instance that owns it is
 * unreachable (dying, or its HTTP side gone): possibly a little behind, and said so, rather than no answer
 * until Kafka moves the ownership (KIP-535).
 */
public final class StandbyRead {

  /** On a forwarded request: the owner is unreachable, answer from your standby copy. */
  static final String ASKED = "X-Fleetpulse-Standby-Read";
  /** On the answer: it comes from a standby copy and may lag the owner's by its replication lag. */
  public static final String STALE = "X-Fleetpulse-Stale";

  private static final String ALLOWED = "fleetpulse.standbyRead";

  private StandbyRead() {}

  /** This request may be answered from a local standby copy; its answer says so. */
  static void allow(RoutingContext ctx) {
    ctx.put(ALLOWED, true);
    ctx.response().putHeader(STALE, "standby: the owner of this device is unreachable; state may lag by its replication delay");
  }

  /** Whether the stores may be read from a standby copy for this request. */
  public static boolean allowed(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(ALLOWED));
  }
}
