package io.fleetpulse.collector.ssh;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.collector.journal.JournalEntryNormalizer;
import io.fleetpulse.collector.journal.JournalFields;
import io.fleetpulse.collector.journal.JournalJsonParser;
import io.fleetpulse.collector.journal.MalformedEntryException;
import io.fleetpulse.schemas.JournalEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * One {@code journalctl --output=json} running on a device, read asynchronously: each chunk from the
 * channel is cut into lines, parsed and normalised, and handed to the sink as one batch.
 *
 * <p>Memory stays bounded because the next read is only issued when the sink has room: until then
 * the channel's SSH window fills up and the device stops sending (flow control does the rest).
 */
final class JournalStream {

  /** Where the entries go, and who decides when to read on. Implemented by the device's tail. */
  interface Sink {
    boolean mayRead();

    void whenReadable(Runnable resume);

    void entries(List<JournalEntry> entries, String lastCursor, int bytes);

    void refused(String reason);

    void ended(JournalStream stream, Integer exitStatus, String stderr);
  }

  private static final int CHUNK_BYTES = 16 * 1024;
  private static final int STDERR_KEPT = 2048;

  private final DeviceRef device;
  private final JournalJsonParser parser;
  private final JournalEntryNormalizer normalizer;
  private final Sink sink;
  private final Executor parsing;
  private final LineSplitter lines;
  private final Buffer chunk = new ByteArrayBuffer(CHUNK_BYTES, false);
  private final Buffer errChunk = new ByteArrayBuffer(1024, false);
  private final StringBuilder stderr = new StringBuilder();
  private ChannelExec channel;
  private IoInputStream out;
  private boolean paused;
  private boolean ended;

  /**
   * @param parsing where chunks are parsed: not on the SSH I/O threads, which must stay free to move bytes and
   *     complete other devices' handshakes while thousands of sessions stream
   */
  JournalStream(DeviceRef device, JournalJsonParser parser, JournalEntryNormalizer normalizer, int maxLineBytes, Sink sink, Executor parsing) {
    this.device = device;
    this.parsing = parsing;
    this.parser = parser;
    this.normalizer = normalizer;
    this.sink = sink;
    this.lines = new LineSplitter(maxLineBytes);
  }

  /** Starts the command; the sink hears of every batch and, once, of the end. */
  void start(ClientSession session, String command) throws IOException {
    channel = session.createExecChannel(command);
    channel.setStreaming(StreamingChannel.Streaming.Async);
    channel.open().addListener(opened -> {
      if (!opened.isOpened()) {
        end(null);
        return;
      }
      out = channel.getAsyncOut();
      readErr(channel.getAsyncErr());
      readNext();
    });
  }

  void close() {
    if (channel != null) {
      channel.close(true);
    }
  }

  private void readNext() {
    synchronized (this) {
      if (ended) {
        return;
      }
      if (!sink.mayRead()) {
        paused = true;
        sink.whenReadable(this::resume);
        return;
      }
    }
    chunk.clear();
    try {
      out.read(chunk).addListener(this::onRead);
    } catch (RuntimeException e) {
      end(null);
    }
  }

  private void resume() {
    synchronized (this) {
      if (!paused) {
        return;
      }
      paused = false;
    }
    readNext();
  }

  private void onRead(IoReadFuture read) {
    if (read.getException() != null) {
      end(channel.getExitStatus());
      return;
    }
    // the chunk buffer is only read into again by the next read, issued once this one is parsed
    try {
      parsing.execute(() -> {
        parse(read.getBuffer());
        readNext();
      });
    } catch (RejectedExecutionException e) {
      end(null); // the collector is closing
    }
  }

  private void parse(Buffer data) {
    Instant receivedAt = Instant.now();
    List<JournalEntry> entries = new ArrayList<>();
    String[] lastCursor = {null};
    int[] bytes = {0};
    lines.feed(data.array(), data.rpos(), data.available(), new LineSplitter.Lines() {
      @Override
      public void line(byte[] line, int offset, int length) {
        bytes[0] += length + 1;
        try {
          JournalFields fields = parser.parse(line, offset, length);
          JournalEntry entry = normalizer.normalize(fields, device, receivedAt, "ssh");
          entries.add(entry);
          if (JournalCursor.isValid(entry.getCursor())) {
            lastCursor[0] = entry.getCursor();
          } else if (entry.getCursor() != null) {
            // kept as data, but never resumed from: it could not be put into a command line
            sink.refused("entry has a malformed __CURSOR; the device will be resumed from the previous cursor");
          }
        } catch (MalformedEntryException e) {
          sink.refused("skipped an unreadable journal line: " + e.getMessage());
        }
      }

      @Override
      public void tooLong(long length) {
        bytes[0] += 1;
        sink.refused("skipped a journal line of " + length + " bytes, over the entry limit");
      }
    });
    if (!entries.isEmpty()) {
      sink.entries(entries, lastCursor[0], bytes[0]);
    }
  }

  private void readErr(IoInputStream err) {
    errChunk.clear();
    try {
      err.read(errChunk).addListener(read -> {
        if (read.getException() != null) {
          return;
        }
        Buffer data = read.getBuffer();
        synchronized (stderr) {
          if (stderr.length() < STDERR_KEPT) {
            stderr.append(new String(data.array(), data.rpos(), Math.min(data.available(), STDERR_KEPT), StandardCharsets.UTF_8));
          }
        }
        readErr(err);
      });
    } catch (RuntimeException e) {
      // the channel is closing; whatever stderr said so far is kept
    }
  }

  private void end(Integer exitStatus) {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
    }
    String message;
    synchronized (stderr) {
      message = stderr.toString().strip();
    }
    sink.ended(this, exitStatus, message);
  }
}
