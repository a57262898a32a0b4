package io.fleetpulse.api.devices;

import io.fleetpulse.api.ApiResponses;
import io.fleetpulse.schemas.Topics;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads and validates request parameters before anything reaches a store; a bad one becomes a 400
 * whose JSON names the parameter, what it may be, and what was sent ({@link BadParameter#answer}).
 */
public final class QueryParameters {

  /** A parameter the client got wrong. */
  public static final class BadParameter extends RuntimeException {
    private final String parameter;
    private final String allowed;

    public BadParameter(String parameter, String allowed, String value) {
      super(parameter + " must be " + allowed + ", not '" + value + "'");
      this.parameter = parameter;
      this.allowed = allowed;
    }

    /** A parameter that is fine alone but not with another (from after to). */
    public BadParameter(String parameter, String allowed, String value, String reason) {
      super(reason);
      this.parameter = parameter;
      this.allowed = allowed;
    }

    /** Answers 400 {@code {"error", "parameter", "allowed"}}. */
    public void answer(RoutingContext ctx) {
      ApiResponses.json(ctx, 400, new JsonObject().put("error", getMessage()).put("parameter", parameter).put("allowed", allowed));
    }
  }

  /** The earliest and latest instants a query may name: the stores count time in epoch milliseconds. */
  static final Instant EARLIEST = Instant.EPOCH;
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
  private static final String UUID_RULE = "a device uuid, 32 (or legacy 62) lower-case hex digits";
  private static final Pattern EVENT_KIND = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
  private static final Pattern FLEET = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");
  private static final String FLEET_RULE = "a fleet name, 1-64 characters of [A-Za-z0-9._-] not starting with '.'";

  private final RoutingContext ctx;

  public QueryParameters(RoutingContext ctx) {
    this.ctx = ctx;
  }

  /** A query's time window, {@code from} not after {@code to}. */
  public record TimeRange(Instant from, Instant to) {}

  public Instant instant(String name, Instant fallback) {
    String value = query(name);
    if (value == null) {
      return fallback;
    }
    String allowed = "an RFC 3339 UTC time between " + EARLIEST + " and " + LATEST + ", such as 2026-11-27T10:00:00Z";
    Instant parsed;
    try {
      parsed = Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new BadParameter(name, allowed, value);
    }
    if (parsed.isBefore(EARLIEST) || parsed.isAfter(LATEST)) {
      throw new BadParameter(name, allowed, value);
    }
    return parsed;
  }

  /**
   * {@code from} and {@code to}; a missing {@code to} is {@code defaultTo}, a missing {@code from} is
   * {@code defaultSpan} before {@code to} (or the epoch).
   */
  public TimeRange range(Instant defaultTo, Duration defaultSpan) {
    Instant to = instant("to", defaultTo);
    Instant from = instant("from", defaultSpan == null ? EARLIEST : latest(EARLIEST, to.minus(defaultSpan)));
    if (from.isAfter(to)) {
      throw new BadParameter("from", "not after to (" + to + ")", from.toString(),
          "from (" + from + ") must not be after to (" + to + ")");
    }
    return new TimeRange(from, to);
  }

  private static Instant latest(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  public int integer(String name, int fallback, int min, int max) {
    String value = query(name);
    if (value == null) {
      return fallback;
    }
    String allowed = "a whole number between " + min + " and " + max;
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw new BadParameter(name, allowed, value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new BadParameter(name, allowed, value);
    }
  }

  public <E extends Enum<E>> E enumValue(String name, Class<E> type) {
    String value = query(name);
    if (value == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      throw new BadParameter(name, "one of " + Arrays.toString(type.getEnumConstants()), value);
    }
  }

  /** One of {@code values}, or null when absent. */
  public String oneOf(String name, List<String> values) {
    String value = query(name);
    if (value != null && !values.contains(value)) {
      throw new BadParameter(name, "one of " + values, value);
    }
    return value;
  }

  /** A device uuid from the query, or null when absent. */
  public String deviceUuid(String name) {
    String value = query(name);
    if (value != null && !Topics.isDeviceUuid(value)) {
      throw new BadParameter(name, UUID_RULE, value);
    }
    return value;
  }

  /** The device uuid of the path. */
  public String pathDeviceUuid() {
    String value = ctx.pathParam("uuid");
    if (!Topics.isDeviceUuid(value)) {
      throw new BadParameter("uuid", UUID_RULE, value);
    }
    return value;
  }

  /** A fleet name from the query, or null when absent. */
  public String fleet(String name) {
    String value = query(name);
    if (value != null && !FLEET.matcher(value).matches()) {
      throw new BadParameter(name, FLEET_RULE, value);
    }
    return value;
  }

  /**
   * An event kind: one of fleetpulse's (EventKind) or one a user's rule names (upper case, digits, underscores), null
   * when absent. A rule's kind no rule has matched simply finds no events.
   */
  public String eventKind(String name) {
    String value = query(name);
    if (value != null && !EVENT_KIND.matcher(value).matches()) {
      throw new BadParameter(name, "an event kind such as UNIT_RESTART, or a rule's kind (A-Z, 0-9, _; at most 64)", value);
    }
    return value;
  }

  /** A fleet named in the path ({@code /fleets/{fleet}/…}), checked as {@link #fleet} checks a query's. */
  public String pathFleet(String name) {
    String value = ctx.pathParam(name);
    if (value == null || !FLEET.matcher(value).matches()) {
      throw new BadParameter(name, FLEET_RULE, value);
    }
    return value;
  }

  /** A parameter as sent, or null when absent or empty (given twice: refused). */
  public String text(String name) {
    return query(name);
  }

  /** A paging cursor: the {@code next} of a previous page (a device uuid), or null when absent. */
  public String cursor() {
    String value = query("cursor");
    if (value != null && !Topics.isDeviceUuid(value)) {
      throw new BadParameter("cursor", "the 'next' value of a previous page", value);
    }
    return value;
  }

  /** The parameter, null when absent or empty; given twice is ambiguous, so refused. */
  private String query(String name) {
    List<String> values = ctx.queryParam(name);
    if (values.size() > 1) {
      throw new BadParameter(name, "given once", String.join(",", values));
    }
    return values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
  }
}
