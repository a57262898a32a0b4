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

  public Instant instant(String name, Instant fallback) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new BadParameter(name + " must be an RFC 3339 UTC time such as 2026-11-27T10:00:00Z, not '" + value + "'");
    }
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
