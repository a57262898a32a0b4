package io.fleetpulse.collector.ssh;

/**
 * Cuts a byte stream into lines as chunks arrive. Lines inside a chunk are handed out in place; only
 * a line that spans chunks is copied, and it may not grow past the limit: a longer line is skipped up
 * to its newline and reported, so one runaway line cannot take the session's memory.
 */
final class LineSplitter {

  interface Lines {
    void line(byte[] bytes, int offset, int length);

    void tooLong(long length);
  }

  private final int maxLineBytes;
  private byte[] carry = new byte[256];
  private int carried;
  private long skipped = -1;

  LineSplitter(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  void feed(byte[] chunk, int offset, int length, Lines lines) {
    int start = offset;
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      if (chunk[i] != '\n') {
        continue;
      }
      if (skipped >= 0) {
        lines.tooLong(skipped + (i - start));
        skipped = -1;
      } else if (carried > 0) {
        append(chunk, start, i - start);
        if (skipped < 0) {
          lines.line(carry, 0, carried);
        } else {
          lines.tooLong(skipped);
          skipped = -1;
        }
        carried = 0;
      } else if (i - start > maxLineBytes) {
        lines.tooLong(i - start);
      } else if (i > start) {
        lines.line(chunk, start, i - start);
      }
      start = i + 1;
    }
    if (start < end) {
      if (skipped >= 0) {
        skipped += end - start;
      } else {
        append(chunk, start, end - start);
      }
    }
    if (carry.length > 4096 && carried == 0) {
      carry = new byte[256];
    }
  }

  /** Bytes of an unfinished line held: a stream that ends here was cut off mid-entry. */
  int unfinished() {
    return carried;
  }

  private void append(byte[] chunk, int from, int length) {
    if (carried + length > maxLineBytes) {
      skipped = carried + (long) length;
      carried = 0;
      return;
    }
    if (carried + length > carry.length) {
      byte[] grown = new byte[Math.min(maxLineBytes, Math.max(carry.length * 2, carried + length))];
      System.arraycopy(carry, 0, grown, 0, carried);
      carry = grown;
    }
    System.arraycopy(chunk, from, carry, carried, length);
    carried += length;
  }
}
