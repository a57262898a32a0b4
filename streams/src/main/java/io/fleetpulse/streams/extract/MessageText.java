package io.fleetpulse.streams.extract;

import java.util.regex.Pattern;

/**
 * A journal message without the prefixes its program adds in front of the words that matter:
 * OpenVPN's ctime date ({@code Thu Mar 23 12:00:08 2017 }, absent with {@code --machine-readable-output}
 * or systemd's timestamps), chrony's ISO time ({@code 2017-03-23T12:00:04Z }), the supervisor's level
 * tag ({@code [error]   }) and the kernel's uptime stamp ({@code [   14.553592] }) from dmesg copies.
 */
final class MessageText {

  private static final Pattern PREFIX = Pattern.compile(
      "^(?:"
          + "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4} "
          + "|\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z "
          + "|\\[(?:error|warn|warning|info|debug|event|api|success|silly)\\]\\s+"
          + "|\\[\\s*\\d+\\.\\d+\\] "
          + ")+");

  private MessageText() {}

  static String withoutPrefix(String message) {
    return PREFIX.matcher(message).replaceFirst("");
  }
}
