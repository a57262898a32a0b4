package io.fleetpulse.streams.extract;

import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * systemd's "{@code <unit>: Main process exited, code=<exited|killed|dumped>, status=<n>/<NAME>}"
 * (src/core/service.c). A restart is clean only when the process exited with status 0; a signal
 * (the masterclass's {@code kill -9} of balenad) or a non-zero exit is unclean and counts towards a
 * crash loop.
 */
public final class UnitRestartMatcher implements EventMatcher {

  private static final Pattern MAIN_PROCESS_EXITED = Pattern.compile(
      "^(?<unit>\\S+): Main process exited, code=(?<code>exited|killed|dumped), status=(?<status>\\d+)(?:/(?<name>[A-Za-z0-9_+-]+))?");

  /** Only PID 1 speaks for units; an application printing the same words is not a restart. */
  @Override
  public boolean admits(JournalEntry entry, LetterPairs pairsOfMessage) {
    return Signatures.SYSTEMD.test(entry) && entry.getMessage().contains(": Main process exited");
  }

  @Override
  public Optional<MatchedEvent> match(JournalEntry entry, String text) {
    Matcher m = MAIN_PROCESS_EXITED.matcher(text);
    if (!m.find()) {
      return Optional.empty();
    }
    String unit = Topics.canonicalUnitName(m.group("unit"));
    String code = m.group("code");
    String status = m.group("status");
    String name = m.group("name");
    boolean exited = code.equals("exited");
    boolean clean = exited && status.equals("0");

    Map<String, String> details = new LinkedHashMap<>();
    details.put("unit", unit);
    details.put("clean", Boolean.toString(clean));
    details.put("result", clean ? "success" : exited ? "exit-code" : code.equals("killed") ? "signal" : "core-dump");
    if (exited) {
      details.put("exitCode", status);
    } else {
      details.put("signal", name != null ? name : status);
    }
    String summary = exited
        ? unit + " exited with status " + status + (clean ? " (clean)" : " (unclean)")
        : unit + " was killed by SIG" + details.get("signal") + (code.equals("dumped") ? " and dumped core" : "") + " (unclean)";
    return Optional.of(new MatchedEvent(EventKind.UNIT_RESTART, unit, summary, details));
  }
}
