package io.fleetpulse.streams.extract;

import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.JournalEntry;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One row of the signature table: which entries it looks at, words its line cannot lack (the cheap
 * pre-filter), the line it recognises (searched in the message without its program's prefix), and the
 * event it makes of a match.
 */
public record LineSignature(EventKind kind, Predicate<JournalEntry> source, Keywords keywords, Pattern pattern, Describer describer)
    implements EventMatcher {

  /** Turns a match into the event's unit, summary and details. */
  @FunctionalInterface
  public interface Describer {
    MatchedEvent describe(JournalEntry entry, Matcher match);
  }

  /** A describer for lines that carry nothing beyond their kind: the unit is the entry's, the summary fixed. */
  public static Describer fixed(EventKind kind, String summary, Map<String, String> details) {
    return (entry, match) -> new MatchedEvent(kind, entry.getUnit(), summary, details);
  }

  /** The keywords first: they reject almost every line without allocating, unlike some sources' unit lookups. */
  @Override
  public boolean admits(JournalEntry entry, LetterPairs pairsOfMessage) {
    return source.test(entry) && keywords.foundIn(entry.getMessage(), pairsOfMessage);
  }

  @Override
  public Optional<MatchedEvent> match(JournalEntry entry, String text) {
    Matcher m = pattern.matcher(text);
    return m.find() ? Optional.of(describer.describe(entry, m)) : Optional.empty();
  }
}
