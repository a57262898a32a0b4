package io.fleetpulse.api.journal;

import io.fleetpulse.api.devices.QueryParameters;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What a client asked of a device's journal: which lines (around a time or an alert, a time window, or the newest)
 * and journalctl's filters. Parsed with a 400 naming the parameter for anything it cannot take.
 *
 * @param around the anchor time ({@code around=}); null unless asked
 * @param alert the alert whose first evidence line is the anchor ({@code alert=}); null unless asked
 * @param from start of a window ({@code from=}), with {@code to} and {@code limit}; null unless asked
 * @param priority the highest priority number kept, as {@code journalctl -p}; null: all
 * @param boot a boot id, or journalctl's relative number ({@code 0} this boot, {@code -1} the one before, {@code 1}
 *     the first kept); null: all boots
 * @param grep a plain case-insensitive substring of the message; null: all
 * @param follow keep the answer open and send new lines as they are kept ({@code follow=true}, server-sent events)
 */
public record JournalRequest(Instant around, String alert, Instant from, Instant to, int before, int after, int limit,
                             String unit, String identifier, Integer priority, String boot, String grep, boolean follow) {

  static final int DEFAULT_CONTEXT = 50;
  static final int MAX_LINES = 1_000;
  static final int DEFAULT_LIMIT = 100;
  /** journalctl's priority names, by number. */
  static final List<String> PRIORITIES = List.of("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug");

  boolean anchored() {
    return around != null || alert != null;
  }

  /** Whether any of journalctl's filters is given (unit, identifier, priority, boot, grep). */
  boolean filtered() {
    return unit != null || identifier != null || priority != null || boot != null || grep != null;
  }

  static JournalRequest parse(QueryParameters params) {
    Instant around = params.instant("around", null);
    String alert = params.text("alert");
    boolean window = params.text("from") != null || params.text("to") != null;
    if (around != null && alert != null) {
      throw new QueryParameters.BadParameter("alert", "either around= or alert=, not both", alert);
    }
    if (window && (around != null || alert != null)) {
      throw new QueryParameters.BadParameter("from", "a window (from=, to=) or an anchor (around= or alert=), not both",
          params.text("from") != null ? params.text("from") : params.text("to"));
    }
    QueryParameters.TimeRange range = window ? params.range(QueryParameters.LATEST, null) : null;
    return new JournalRequest(around, alert, range == null ? null : range.from(), range == null ? null : range.to(),
        params.integer("before", DEFAULT_CONTEXT, 0, MAX_LINES), params.integer("after", DEFAULT_CONTEXT, 0, MAX_LINES),
        params.integer("limit", DEFAULT_LIMIT, 1, MAX_LINES), unit(params.text("unit")), params.text("identifier"),
        priority(params.text("priority")), boot(params.text("boot")), params.text("grep"),
        "true".equals(params.oneOf("follow", List.of("true", "false"))));
  }

  /** As {@code journalctl -u}: a unit name without a type is a service. */
  private static String unit(String unit) {
    return unit == null || unit.contains(".") ? unit : unit + ".service";
  }

  private static Integer priority(String value) {
    if (value == null) {
      return null;
    }
    String allowed = "a priority 0-7 or one of " + PRIORITIES + ", as journalctl -p takes it";
    int byName = PRIORITIES.indexOf(value.toLowerCase(Locale.ROOT));
    if (byName >= 0) {
      return byName;
    }
    try {
      int number = Integer.parseInt(value);
      if (number >= 0 && number <= 7) {
        return number;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new QueryParameters.BadParameter("priority", allowed, value);
  }

  private static String boot(String value) {
    if (value == null || value.matches("-?[0-9]{1,6}") || value.matches("[0-9a-f]{32}")) {
      return value;
    }
    throw new QueryParameters.BadParameter("boot", "a boot id (32 hex digits) or a relative boot number as journalctl -b takes it "
        + "(0 the current boot, -1 the one before, 1 the first)", value);
  }
}
