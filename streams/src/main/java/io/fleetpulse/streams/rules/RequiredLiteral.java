package io.fleetpulse.streams.rules;

/**
 * The longest run of plain text every match of a regular expression must contain, when one can be read off the
 * pattern safely: most lines lack it, and a substring search costs a fraction of running the regex. Conservative: a
 * pattern with a top-level alternation, inline flags or nothing literal at the top level gives none, and the regex
 * runs on every line; groups and character classes end a run, and a quantified character leaves it.
 */
final class RequiredLiteral {

  /** Shorter runs are too common in log lines to be worth checking first. */
  private static final int SHORTEST = 3;
  private static final String META = ".[]()*+?{}^$|\\";

  private RequiredLiteral() {}

  /** The literal, or null when none is safe or long enough. */
  static String of(String pattern) {
    if (pattern.startsWith("(?") && !pattern.startsWith("(?P<") && !pattern.startsWith("(?:")) {
      return null; // inline flags (case-insensitive…): the text need not appear as written
    }
    String best = "";
    StringBuilder run = new StringBuilder();
    int depth = 0;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (depth > 0) {
        if (c == '\\') {
          i++;
        } else if (c == '(') {
          depth++;
        } else if (c == ')') {
          depth--;
        }
        continue;
      }
      if (c == '|') {
        return null; // either side may match without the other's text
      }
      if (c == '\\' && i + 1 < pattern.length()) {
        char escaped = pattern.charAt(i + 1);
        i++;
        if (Character.isLetterOrDigit(escaped)) {
          best = longer(best, run); // \d, \s, \b, \w…: not literal
          run.setLength(0);
        } else {
          run.append(escaped);
        }
        continue;
      }
      if (c == '*' || c == '?' || c == '{') {
        if (c != '{' || (i + 1 < pattern.length() && pattern.charAt(i + 1) == '0')) {
          if (run.length() > 0) {
            run.setLength(run.length() - 1); // the quantified character may be absent
          }
        }
        best = longer(best, run);
        run.setLength(0);
        if (c == '{') {
          int close = pattern.indexOf('}', i);
          i = close < 0 ? pattern.length() : close;
        }
        continue;
      }
      if (META.indexOf(c) >= 0) {
        best = longer(best, run);
        run.setLength(0);
        if (c == '(') {
          depth = 1;
        } else if (c == '[') {
          i = endOfClass(pattern, i);
        }
        continue;
      }
      run.append(c);
    }
    best = longer(best, run);
    return best.length() >= SHORTEST ? best : null;
  }

  private static String longer(String best, StringBuilder run) {
    return run.length() > best.length() ? run.toString() : best;
  }

  /** The index of the {@code ]} closing the class opened at {@code open}. */
  private static int endOfClass(String pattern, int open) {
    int i = open + 1;
    if (i < pattern.length() && pattern.charAt(i) == '^') {
      i++;
    }
    if (i < pattern.length() && pattern.charAt(i) == ']') {
      i++; // a ] first in a class is literal
    }
    for (; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == ']') {
        return i;
      }
    }
    return pattern.length();
  }
}
