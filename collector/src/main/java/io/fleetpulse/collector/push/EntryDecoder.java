package io.fleetpulse.collector.push;

import io.fleetpulse.collector.journal.JournalExportParser;
import io.fleetpulse.collector.journal.JournalFieldsHandler;
import io.fleetpulse.collector.journal.JournalJsonParser;
import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.journal.MalformedEntryException;
import io.vertx.core.buffer.Buffer;

/** Turns a push body, chunk by chunk as it streams in, into journal entries; holds at most one entry. */
interface EntryDecoder {

  void feed(Buffer chunk, JournalFieldsHandler handler) throws MalformedEntryException;

  /** The body ended. */
  void finish(JournalFieldsHandler handler) throws MalformedEntryException;

  /** {@code journalctl -o json}: one JSON object per line; blank lines are ignored. */
  static EntryDecoder jsonLines(JournalJsonParser parser, JournalLimits limits) {
    LineAssembler lines = new LineAssembler(limits.maxEntryBytes());
    return new EntryDecoder() {
      @Override
      public void feed(Buffer chunk, JournalFieldsHandler handler) throws MalformedEntryException {
        lines.feed(chunk, (bytes, offset, length) -> parse(bytes, offset, length, handler));
      }

      @Override
      public void finish(JournalFieldsHandler handler) throws MalformedEntryException {
        lines.finish((bytes, offset, length) -> parse(bytes, offset, length, handler));
      }

      private void parse(byte[] bytes, int offset, int length, JournalFieldsHandler handler) throws MalformedEntryException {
        if (!isBlank(bytes, offset, length)) {
          handler.entry(parser.parse(bytes, offset, length));
        }
      }
    };
  }

  /** The Journal Export Format, as systemd-journal-upload sends it. */
  static EntryDecoder journalExport(JournalLimits limits) {
    JournalExportParser parser = new JournalExportParser(limits);
    return new EntryDecoder() {
      @Override
      public void feed(Buffer chunk, JournalFieldsHandler handler) throws MalformedEntryException {
        byte[] bytes = chunk.getBytes();
        parser.feed(bytes, 0, bytes.length, handler);
      }

      @Override
      public void finish(JournalFieldsHandler handler) throws MalformedEntryException {
        parser.finish(handler);
      }
    };
  }

  private static boolean isBlank(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
