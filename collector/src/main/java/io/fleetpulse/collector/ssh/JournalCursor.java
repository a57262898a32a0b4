package io.fleetpulse.collector.ssh;

/**
 * A journald cursor ({@code s=…;i=…;b=…;m=…;t=…;x=…}). Cursors come from the device, so one is only
 * ever put into a command line after it has been checked to be exactly this shape: lower-case
 * letters, hex digits, {@code =} and {@code ;} — nothing a shell would interpret inside double quotes.
 */
public final class JournalCursor {

  private static final int MAX_PARTS = 16;
  private static final int MAX_VALUE_DIGITS = 64;

  private JournalCursor() {}

  /**
   * Whether {@code cursor} is {@code k=hex(;k=hex)*}: 1 to 16 parts, each one lower-case letter, {@code =} and
   * 1 to 64 lower-case hex digits. A scan rather than a regular expression: it runs for every entry read.
   */
  public static boolean isValid(String cursor) {
    if (cursor == null) {
      return false;
    }
    int parts = 0;
    int i = 0;
    int length = cursor.length();
    while (true) {
      if (++parts > MAX_PARTS || i + 2 >= length || !isLetter(cursor.charAt(i)) || cursor.charAt(i + 1) != '=') {
        return false;
      }
      int digits = 0;
      for (i += 2; i < length && isHexDigit(cursor.charAt(i)); i++) {
        digits++;
      }
      if (digits == 0 || digits > MAX_VALUE_DIGITS) {
        return false;
      }
      if (i == length) {
        return true;
      }
      if (cursor.charAt(i++) != ';') {
        return false;
      }
    }
  }

  private static boolean isLetter(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  /** The entry's sequence number ({@code i=}, hex), or -1 if the cursor has none. */
  public static long seqnum(String cursor) {
    for (String part : cursor.split(";")) {
      if (part.startsWith("i=")) {
        return Long.parseUnsignedLong(part.substring(2), 16);
      }
    }
    return -1;
  }
}
