package io.fleetpulse.collector.ssh;

import java.util.regex.Pattern;

/**
 * A journald cursor ({@code s=…;i=…;b=…;m=…;t=…;x=…}). Cursors come from the device, so one is only
 * ever put into a command line after it has been checked to be exactly this shape: lower-case
 * letters, hex digits, {@code =} and {@code ;} — nothing a shell would interpret inside double quotes.
 */
public final class JournalCursor {

  private static final Pattern SHAPE = Pattern.compile("[a-z]=[0-9a-f]{1,64}(;[a-z]=[0-9a-f]{1,64}){0,15}");

  private JournalCursor() {}

  public static boolean isValid(String cursor) {
    return cursor != null && SHAPE.matcher(cursor).matches();
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
