package io.fleetpulse.streams.extract;

import java.util.List;
import java.util.Locale;

/**
 * The pre-filter in front of a signature's regular expression: words its line cannot lack. About 99 %
 * of journal lines are none of fleetpulse's business, and a case-insensitive regex with word boundaries
 * costs far more than finding out that a line does not even contain "time jump detected". The check is
 * case-insensitive (as the signatures are) and allocates nothing: it looks for the keyword's first
 * letter in either case with {@link String#indexOf(int, int)} and compares the rest in place.
 */
public final class Keywords {

  private final List<String> anyOf;

  private Keywords(List<String> anyOf) {
    if (anyOf.isEmpty() || anyOf.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("a keyword pre-filter needs non-empty keywords: " + anyOf);
    }
    this.anyOf = anyOf.stream().map(keyword -> keyword.toLowerCase(Locale.ROOT)).toList();
  }

  /** Lines containing at least one of {@code keywords}, ignoring case. */
  public static Keywords anyOf(String... keywords) {
    return new Keywords(List.of(keywords));
  }

  public boolean foundIn(String text) {
    for (String keyword : anyOf) {
      if (contains(text, keyword)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(String text, String lowerKeyword) {
    char lower = lowerKeyword.charAt(0);
    char upper = Character.toUpperCase(lower);
    int length = lowerKeyword.length();
    int last = text.length() - length;
    for (int at = nextStart(text, lower, upper, 0); at >= 0 && at <= last; at = nextStart(text, lower, upper, at + 1)) {
      if (text.regionMatches(true, at, lowerKeyword, 0, length)) {
        return true;
      }
    }
    return false;
  }

  private static int nextStart(String text, char lower, char upper, int from) {
    int atLower = text.indexOf(lower, from);
    if (upper == lower) {
      return atLower;
    }
    int atUpper = text.indexOf(upper, from);
    return atLower < 0 ? atUpper : atUpper < 0 ? atLower : Math.min(atLower, atUpper);
  }

  @Override
  public String toString() {
    return "anyOf" + anyOf;
  }
}
