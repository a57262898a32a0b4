package io.fleetpulse.collector.push;

import io.fleetpulse.collector.journal.MalformedEntryException;
import io.vertx.core.buffer.Buffer;

/**
 * Cuts a streamed request body into lines as its chunks arrive, so a body is never held whole:
 * only the current, unfinished line is buffered, and it may not grow past the entry limit.
 */
final class LineAssembler {

  interface LineHandler {
    void line(Buffer line) throws MalformedEntryException;
  }

  private final int maxLineBytes;
  private Buffer pending = Buffer.buffer();

  LineAssembler(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  void feed(Buffer chunk, LineHandler handler) throws MalformedEntryException {
    int start = 0;
    for (int i = 0; i < chunk.length(); i++) {
      if (chunk.getByte(i) == '\n') {
        append(chunk, start, i);
        handler.line(pending);
        pending = Buffer.buffer();
        start = i + 1;
      }
    }
    append(chunk, start, chunk.length());
  }

  /** The body ended: a last line without its newline is still a line. */
  void finish(LineHandler handler) throws MalformedEntryException {
    if (pending.length() > 0) {
      handler.line(pending);
      pending = Buffer.buffer();
    }
  }

  private void append(Buffer chunk, int from, int to) throws MalformedEntryException {
    if (pending.length() + (to - from) > maxLineBytes) {
      throw MalformedEntryException.tooLarge("longer than the limit of " + maxLineBytes + " bytes");
    }
    pending.appendBuffer(chunk, from, to - from);
  }
}
