package io.fleetpulse.streams.extract;

import java.util.List;
import java.util.Locale;

/**
 * The pre-filter in front of a signature's regular expression: words its line cannot lack. About 99 %
 * of journal lines are none of fleetpulse's business, and a case-insensitive regex with word boundaries
 * costs far more than finding out that a line does not even contain "time jump detected".
 *
 * <p>The check ignores ASCII case, as the signatures' patterns do, and allocates nothing. First the
 * line's {@link LetterPairs} must include the keyword's, which rules out almost every line at once;
 * then the keyword is looked for by its rarest letter (English letter frequency: the {@code j} of "key negotiation", the
 * {@code v} of "voltage"), found in either case with {@link String#indexOf(int, int)}, which the JIT
 * vectorises; only where that letter occurs is the whole keyword compared in place. Looking for the
 * first letter instead spent most of the filter's time on false starts at every "t" and "s".
 */
public final class Keywords {

  /** Letters from most to least frequent in English text, which journal lines mostly are. */
  private static final String LETTERS_BY_FREQUENCY = "etaoinsrhldcumfpgwybvkxjqz";

  private final List<Keyword> anyOf;

  private Keywords(List<String> keywords) {
    if (keywords.isEmpty() || keywords.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("a keyword pre-filter needs non-empty keywords: " + keywords);
    }
    this.anyOf = keywords.stream().map(Keyword::of).toList();
  }

  /** Lines containing at least one of {@code keywords}, ignoring case. */
  public static Keywords anyOf(String... keywords) {
    return new Keywords(List.of(keywords));
  }

  /** Whether {@code text} contains one of the keywords. */
  public boolean foundIn(String text) {
    return foundIn(text, LetterPairs.of(text));
  }

  /** The same, with the pairs of {@code text} computed once for all signatures. */
  boolean foundIn(String text, LetterPairs pairsOfText) {
    for (Keyword keyword : anyOf) {
      if (pairsOfText.containsAll(keyword.pairs()) && keyword.foundIn(text)) {
        return true;
      }
    }
    return false;
  }

  /** One lower-case keyword, its letter pairs and the position of the character it is looked for by. */
  private record Keyword(String lower, LetterPairs pairs, int anchorAt, char anchorLower, char anchorUpper) {

    static Keyword of(String keyword) {
      String lower = keyword.toLowerCase(Locale.ROOT);
      int anchorAt = 0;
      int rarest = -1;
      for (int i = 0; i < lower.length(); i++) {
        int rank = LETTERS_BY_FREQUENCY.indexOf(lower.charAt(i));
        if (rank > rarest) {
          rarest = rank;
          anchorAt = i;
        }
      }
      char anchor = lower.charAt(anchorAt);
      return new Keyword(lower, LetterPairs.of(lower), anchorAt, anchor, Character.toUpperCase(anchor));
    }

    boolean foundIn(String text) {
      int lastStart = text.length() - lower.length();
      int nextLower = text.indexOf(anchorLower, anchorAt);
      int nextUpper = anchorUpper == anchorLower ? -1 : text.indexOf(anchorUpper, anchorAt);
      while (nextLower >= 0 || nextUpper >= 0) {
        boolean lowerFirst = nextUpper < 0 || (nextLower >= 0 && nextLower < nextUpper);
        int start = (lowerFirst ? nextLower : nextUpper) - anchorAt;
        if (start > lastStart) {
          return false;
        }
        if (text.regionMatches(true, start, lower, 0, lower.length())) {
          return true;
        }
        if (lowerFirst) {
          nextLower = text.indexOf(anchorLower, nextLower + 1);
        } else {
          nextUpper = text.indexOf(anchorUpper, nextUpper + 1);
        }
      }
      return false;
    }
  }

  @Override
  public String toString() {
    return "anyOf" + anyOf.stream().map(Keyword::lower).toList();
  }
}
