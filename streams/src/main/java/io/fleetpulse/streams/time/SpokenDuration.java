package io.fleetpulse.streams.time;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A duration as a person says it, to the two largest units that matter: "9 years 9 months", "3 days 2 h",
 * "5 min 3 s", "13 s". Summaries are read by support engineers, not parsed ({@code details} keep the numbers).
 */
public final class SpokenDuration {

  private static final long MINUTE = 60;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;
  /** An average month and year: good enough to say how far a clock is off, never used to compute a date. */
  private static final long MONTH = 2_629_746;
  private static final long YEAR = 12 * MONTH;

  private SpokenDuration() {}

  /** A clock step of {@code seconds} (negative: back): "back 9 years 9 months", "forward 3 days 2 h". */
  public static String step(double seconds) {
    return (seconds < 0 ? "back " : "forward ") + of(Duration.ofMillis(Math.round(Math.abs(seconds) * 1000)));
  }

  /** A device's wall-clock time as support reads it: "2017-03-23 12:00 UTC". */
  public static String wallClock(Instant at) {
    return WALL_CLOCK.format(at);
  }

  private static final DateTimeFormatter WALL_CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  /** {@code duration}'s size (its sign is the caller's to say: "back", "forward"). */
  public static String of(Duration duration) {
    long seconds = Math.abs(duration.getSeconds());
    if (seconds == 0) {
      return "under 1 s";
    }
    long[] sizes = {YEAR, MONTH, DAY, HOUR, MINUTE, 1};
    String[][] names = {{"year", "years"}, {"month", "months"}, {"day", "days"}, {"h", "h"}, {"min", "min"}, {"s", "s"}};
    List<String> parts = new ArrayList<>();
    for (int unit = 0; unit < sizes.length && parts.size() < 2; unit++) {
      long count = seconds / sizes[unit];
      if (count > 0) {
        parts.add(count + " " + names[unit][count == 1 ? 0 : 1]);
        seconds -= count * sizes[unit];
      } else if (!parts.isEmpty()) {
        break; // "3 days" rather than "3 days 0 h 4 min": the next unit down only, when it counts
      }
    }
    return String.join(" ", parts);
  }
}
