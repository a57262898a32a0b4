package io.fleetpulse.collector.push;

import io.fleetpulse.collector.journal.MalformedEntryException;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * Cuts a streamed request body into lines as its chunks arrive, so a body is never held whole:
 * only the current, unfinished line is buffered, and it may not grow past the entry limit. A line that
 * lies wholly inside one chunk is handed over in place, without copying.
 */
final class LineAssembler {

  /** Receives one line (without its newline); the bytes are only valid during the call. */
  interface LineHandler {
    void line(byte[] bytes, int offset, int length) throws MalformedEntryException;
  }

  private final int maxLineBytes;
  private byte[] pending = new byte[1024];
  private int pendingLength;

  LineAssembler(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  void feed(Buffer chunk, LineHandler handler) throws MalformedEntryException {
    byte[] bytes = chunk.getBytes();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        if (pendingLength == 0) {
          checkLength(i - start);
          handler.line(bytes, start, i - start);
        } else {
          append(bytes, start, i);
          handler.line(pending, 0, pendingLength);
          pendingLength = 0;
        }
        start = i + 1;
      }
    }
    append(bytes, start, bytes.length);
  }

  /** The body ended: a last line without its newline is still a line. */
  void finish(LineHandler handler) throws MalformedEntryException {
    if (pendingLength > 0) {
      handler.line(pending, 0, pendingLength);
      pendingLength = 0;
    }
  }

  private void append(byte[] bytes, int from, int to) throws MalformedEntryException {
    int length = pendingLength + (to - from);
    checkLength(length);
    if (length > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(length, pending.length * 2));
    }
    System.arraycopy(bytes, from, pending, pendingLength, to - from);
    pendingLength = length;
  }

  private void checkLength(int length) throws MalformedEntryException {
    if (length > maxLineBytes) {
      throw MalformedEntryException.tooLarge("longer than the limit of " + maxLineBytes + " bytes");
    }
  }
}
