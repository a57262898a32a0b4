package io.fleetpulse.streams.extract;

/**
 * Which pairs of adjacent characters a text contains, ignoring ASCII case, folded into 256 bits. A text
 * can only contain a keyword if it contains every pair of the keyword, so one pass over a journal line
 * lets each signature's keywords be ruled out with four AND operations instead of a search: on the
 * ~99 % of lines no signature wants, no keyword search runs at all. Mutable and reused per line, by one
 * thread (the stream task's).
 */
final class LetterPairs {

  private final long[] bits = new long[4];

  /** The pairs of {@code text}. */
  static LetterPairs of(String text) {
    LetterPairs pairs = new LetterPairs();
    pairs.readFrom(text);
    return pairs;
  }

  /** Forgets the previous text and takes in {@code text}. */
  void readFrom(String text) {
    bits[0] = 0;
    bits[1] = 0;
    bits[2] = 0;
    bits[3] = 0;
    if (text.isEmpty()) {
      return;
    }
    int previous = fold(text.charAt(0));
    for (int i = 1; i < text.length(); i++) {
      int current = fold(text.charAt(i));
      int bit = (previous * 31 + current) & 255;
      bits[bit >>> 6] |= 1L << bit;
      previous = current;
    }
  }

  /** Whether this text has every pair {@code other} has (necessary, not sufficient, for containing it). */
  boolean containsAll(LetterPairs other) {
    return (bits[0] & other.bits[0]) == other.bits[0]
        && (bits[1] & other.bits[1]) == other.bits[1]
        && (bits[2] & other.bits[2]) == other.bits[2]
        && (bits[3] & other.bits[3]) == other.bits[3];
  }

  /** ASCII lower case, as the signatures' case-insensitive patterns compare. */
  private static int fold(char c) {
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
  }
}
