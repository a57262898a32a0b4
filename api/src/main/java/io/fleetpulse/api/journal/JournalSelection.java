package io.fleetpulse.api.journal;

import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.journal.JournalAnchor;
import io.fleetpulse.streams.journal.StoredJournal;
import io.fleetpulse.streams.time.EventTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The lines of a device's kept journal a {@link JournalRequest} asks for: journalctl's filters first, then the
 * window — the lines around an anchor, the lines of a time range, or the newest — in the order the device wrote
 * them, with whether more lie before or after.
 */
final class JournalSelection {

  /** The chosen lines, and whether the filtered journal holds more before or after them. */
  record Page(List<StoredJournal.Line> lines, boolean moreBefore, boolean moreAfter) {}

  private JournalSelection() {}

  /**
   * @param boots the device's boot ids by number, to resolve {@code boot=}
   * @param anchor where an anchored request starts (null otherwise)
   * @throws UnknownBoot when {@code boot=} names no boot of the kept lines
   */
  static Page select(JournalRequest request, List<StoredJournal.Line> all, Map<Long, String> boots, JournalAnchor anchor) {
    List<StoredJournal.Line> lines = filter(request, all, boots);
    if (request.anchored()) {
      int at = anchor.indexIn(lines);
      int start = Math.max(0, at - request.before());
      int end = Math.min(lines.size(), at + request.after());
      return new Page(lines.subList(start, end), start > 0, end < lines.size());
    }
    if (request.from() != null) {
      List<Integer> inRange = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        Instant at = EventTime.of(lines.get(i).entry());
        if (!at.isBefore(request.from()) && !at.isAfter(request.to())) {
          inRange.add(i);
        }
      }
      if (inRange.isEmpty()) {
        return new Page(List.of(), false, false);
      }
      int start = inRange.get(0);
      List<StoredJournal.Line> page = inRange.stream().limit(request.limit()).map(lines::get).toList();
      int last = inRange.get(Math.min(inRange.size(), request.limit()) - 1);
      return new Page(page, start > 0, last < lines.size() - 1);
    }
    int start = Math.max(0, lines.size() - request.limit());
    return new Page(lines.subList(start, lines.size()), start > 0, false);
  }

  /** Thrown when {@code boot=} names no boot among the kept lines. */
  static final class UnknownBoot extends RuntimeException {
    UnknownBoot(String boot) {
      super("no boot " + boot + " among this device's kept journal lines");
    }
  }

  private static List<StoredJournal.Line> filter(JournalRequest request, List<StoredJournal.Line> all, Map<Long, String> boots) {
    return all.stream().filter(matcher(request, all, boots)).toList();
  }

  /**
   * journalctl's filters of {@code request} as a test of one line, {@code boot=} resolved against {@code all} (every
   * kept line of the device) now: a followed journal keeps to the boot it started with.
   */
  static Predicate<StoredJournal.Line> matcher(JournalRequest request, List<StoredJournal.Line> all, Map<Long, String> boots) {
    Long boot = request.boot() == null ? null : bootNumber(request.boot(), all, boots);
    String grep = request.grep() == null ? null : request.grep().toLowerCase(Locale.ROOT);
    return line -> {
      JournalEntry entry = line.entry();
      return (boot == null || line.boot() == boot)
          && (request.unit() == null || request.unit().equals(entry.getUnit()))
          && (request.identifier() == null || request.identifier().equals(entry.getSyslogIdentifier()))
          && (request.priority() == null || (entry.getPriority() != null && entry.getPriority() <= request.priority()))
          && (grep == null || (entry.getMessage() != null && entry.getMessage().toLowerCase(Locale.ROOT).contains(grep)));
    };
  }

  /** As journalctl -b: an id, 0 or a negative number counting back from the newest boot, a positive one from the oldest. */
  private static long bootNumber(String boot, List<StoredJournal.Line> all, Map<Long, String> boots) {
    TreeSet<Long> kept = new TreeSet<>();
    all.forEach(line -> kept.add(line.boot()));
    if (boot.length() == 32) {
      return boots.entrySet().stream().filter(entry -> entry.getValue().equals(boot) && kept.contains(entry.getKey()))
          .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new UnknownBoot(boot));
    }
    int relative = Integer.parseInt(boot);
    List<Long> ordered = new ArrayList<>(kept);
    int index = relative <= 0 ? ordered.size() - 1 + relative : relative - 1;
    if (index < 0 || index >= ordered.size()) {
      throw new UnknownBoot(boot);
    }
    return ordered.get(index);
  }
}
