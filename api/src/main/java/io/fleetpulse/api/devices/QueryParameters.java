package io.fleetpulse.api.devices;

import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/** Reads and validates query parameters; a bad one becomes a 400 naming the parameter. */
public final class QueryParameters {

  /** A parameter the client got wrong; its message is the 400's reason. */
  public static final class BadParameter extends RuntimeException {
    public BadParameter(String message) {
      super(message);
    }
  }

  private final RoutingContext ctx;

  public QueryParameters(RoutingContext ctx) {
    this.ctx = ctx;
  }

  /** The earliest and latest instants a query may name: the stores count time in epoch milliseconds. */
  static final Instant EARLIEST = Instant.EPOCH;
  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  /** A query's time window, {@code from} not after {@code to}. */
  public record TimeRange(Instant from, Instant to) {}

  public Instant instant(String name, Instant fallback) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    Instant parsed;
    try {
      parsed = Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new BadParameter(name + " must be an RFC 3339 UTC time such as 2026-11-27T10:00:00Z, not '" + value + "'");
    }
    if (parsed.isBefore(EARLIEST) || parsed.isAfter(LATEST)) {
      throw new BadParameter(name + " must be between " + EARLIEST + " and " + LATEST + ", not " + value);
    }
    return parsed;
  }

  /**
   * {@code from} and {@code to}; a missing {@code to} is {@code defaultTo}, a missing {@code from} is
   * {@code defaultSpan} before {@code to} (or the epoch).
   */
  public TimeRange range(Instant defaultTo, java.time.Duration defaultSpan) {
    Instant to = instant("to", defaultTo);
    Instant from = instant("from", defaultSpan == null ? EARLIEST : latest(EARLIEST, to.minus(defaultSpan)));
    if (from.isAfter(to)) {
      throw new BadParameter("from (" + from + ") must not be after to (" + to + ")");
    }
    return new TimeRange(from, to);
  }

  private static Instant latest(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  public int integer(String name, int fallback, int min, int max) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw new BadParameter(name + " must be between " + min + " and " + max + ", not " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new BadParameter(name + " must be a whole number, not '" + value + "'");
    }
  }

  public <E extends Enum<E>> E enumValue(String name, Class<E> type) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      throw new BadParameter(name + " must be one of " + Arrays.toString(type.getEnumConstants()) + ", not '" + value + "'");
    }
  }
}
