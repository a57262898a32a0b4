package io.fleetpulse.collector.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;

/**
 * A command with a short answer ({@code df}, the journal's last entry) on a device's open session, run
 * without blocking a thread: its output is collected as it arrives and handed over when its channel
 * closes. One that hangs (df does on a device whose storage has failed) is given up after a timeout, and
 * output beyond a limit is dropped, so neither a thread nor unbounded memory is ever held for it.
 */
final class ShortCommand {

  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /**
   * @param exitStatus null if the command did not report one (killed, timed out, connection lost)
   * @param problems stderr and anything that went wrong; empty if nothing did
   */
  record Result(Integer exitStatus, String stdout, String problems) {}

  private ShortCommand() {}

  /** Runs {@code command}; {@code done} hears the result once, on an SSH I/O thread or the timer thread. */
  static void run(ClientSession session, String command, int maxOutputBytes, ScheduledExecutorService timer, Consumer<Result> done)
      throws IOException {
    CappedOutput out = new CappedOutput(maxOutputBytes);
    CappedOutput err = new CappedOutput(maxOutputBytes);
    ChannelExec channel = session.createExecChannel(command);
    channel.setOut(out);
    channel.setErr(err);
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledFuture<?> timeout = timer.schedule(() -> {
      timedOut.set(true);
      channel.close(true);
    }, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    channel.addCloseFutureListener(closed -> {
      timeout.cancel(false);
      String problems = err.text()
          + (out.overflowed() || err.overflowed() ? " (output cut at " + maxOutputBytes + " bytes)" : "")
          + (timedOut.get() ? " (no answer within " + TIMEOUT.toSeconds() + " s)" : "");
      done.accept(new Result(channel.getExitStatus(), out.text(), problems.strip()));
    });
    channel.open();
  }

  /** Collects a command's output up to a limit; beyond it the rest is dropped. */
  private static final class CappedOutput extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int limit;
    private boolean overflowed;

    CappedOutput(int limit) {
      this.limit = limit;
    }

    @Override
    public synchronized void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] data, int offset, int length) {
      int room = limit - bytes.size();
      if (length > room) {
        overflowed = true;
      }
      bytes.write(data, offset, Math.max(0, Math.min(length, room)));
    }

    synchronized boolean overflowed() {
      return overflowed;
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
