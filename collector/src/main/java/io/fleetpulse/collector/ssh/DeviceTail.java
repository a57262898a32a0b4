package io.fleetpulse.collector.ssh;

import io.fleetpulse.collector.inventory.InventoryDevice;
import io.fleetpulse.schemas.ConnectionState;
import io.fleetpulse.schemas.DeviceStatus;
import io.fleetpulse.schemas.JournalEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails one device: connects (verifying its host key, authenticating with its key), reads the
 * journal from the last committed cursor — first to the journal's end, then following — hands the
 * entries to the transactional writer, samples disk usage on the same connection, and on any failure
 * closes the connection and tries again after a backoff.
 *
 * <p>Exactly-once rests on two rules here: a connection always starts from the last <em>committed</em>
 * cursor, and a new connection only starts once every batch of the previous one has been committed
 * or dropped, so a late commit can never move the cursor behind the new connection's back. If Kafka
 * aborts a batch, the session's later batches are dropped too (the epoch moves on) and the device is
 * read again from the committed cursor.
 */
final class DeviceTail implements JournalStream.Sink, CommitListener {

  private static final Logger log = LoggerFactory.getLogger(DeviceTail.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration AUTH_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DRAIN_RECHECK = Duration.ofMillis(100);

  private final SshTailer tailer;
  private final TransactionalWriter writer;
  private volatile InventoryDevice device;

  private String committedCursor;
  private String seenCursor;
  private long inFlightBytes;
  private long epoch;
  private int session;
  private boolean live;
  private boolean stopped;
  private boolean followed;
  private int failures;
  private ClientSession ssh;
  private JournalStream stream;
  private boolean catchingUp;
  private Runnable resumeWhenDrained;
  private ScheduledFuture<?> diskTimer;
  private ConnectionState state;
  private Instant since = Instant.now();
  private String detail;

  DeviceTail(InventoryDevice device, SshTailer tailer, String committedCursor) {
    this.device = device;
    this.tailer = tailer;
    this.writer = tailer.writerFor(device.uuid());
    this.committedCursor = committedCursor;
  }

  InventoryDevice device() {
    return device;
  }

  void start() {
    tailer.workers().execute(this::connect);
  }

  /** Stops tailing; the batches already handed to the writer still commit and move the cursor. */
  void stop() {
    synchronized (this) {
      stopped = true;
      closeConnection();
    }
    tailer.states().remove(device.uuid());
  }

  /** Tails again after {@link #stop()}, from the cursor committed meanwhile, once those batches are done. */
  void restart(InventoryDevice again) {
    synchronized (this) {
      device = again;
      stopped = false;
      state = null;
    }
    start();
  }

  /** The device's address or key changed in the inventory: reconnect with the new one. */
  void moveTo(InventoryDevice changed) {
    int attempt;
    synchronized (this) {
      device = changed;
      attempt = session;
    }
    failed(attempt, ConnectionState.BACKOFF, "its address changed in the inventory");
  }

  synchronized boolean stopped() {
    return stopped;
  }

  /** Null while stopped. */
  synchronized ConnectionState state() {
    return stopped ? null : state;
  }

  synchronized String committedCursor() {
    return committedCursor;
  }

  /** Writes the current state again (periodically, so the streams see a device is still unreachable). */
  void writeStatus() {
    DeviceStatus status;
    synchronized (this) {
      if (state == null || stopped) {
        return;
      }
      status = status();
    }
    writer.status(status);
  }

  private void connect() {
    int attempt;
    InventoryDevice device;
    synchronized (this) {
      device = this.device;
      if (stopped) {
        return;
      }
      if (inFlightBytes > 0) {
        tailer.timer().schedule(this::start, DRAIN_RECHECK.toMillis(), TimeUnit.MILLISECONDS);
        return;
      }
      attempt = ++session;
      live = true;
      seenCursor = committedCursor;
      if (state == null) {
        // a device that keeps failing stays in its failure state, so "since" says how long it has been unreachable
        changeState(ConnectionState.CONNECTING, null);
      }
    }
    ClientSession connected = null;
    try {
      connected = tailer.client().connect(device.connectUser(), device.connectHost(), device.connectPort())
          .verify(CONNECT_TIMEOUT).getSession();
      synchronized (this) {
        if (stopped || attempt != session) {
          connected.close(true);
          return;
        }
        ssh = connected;
      }
      connected.setKeyIdentityProvider(tailer.identity(device.connectIdentity()));
      connected.auth().verify(AUTH_TIMEOUT);
      boolean catchUp;
      synchronized (this) {
        catchUp = seenCursor != null || (tailer.settings().startPosition() == StartPosition.ALL && !followed);
      }
      openStream(attempt, connected, catchUp);
      scheduleDiskSampling(attempt, connected);
    } catch (IOException | RuntimeException e) {
      String refusal = connected == null ? null : connected.getAttribute(HostKeyVerifier.REFUSAL);
      failed(attempt, classify(connected), refusal != null ? refusal : describe(e));
    }
  }

  private void openStream(int attempt, ClientSession connected, boolean catchUp) throws IOException {
    JournalStream opened = new JournalStream(device.ref(), tailer.parser(), tailer.normalizer(), tailer.settings().limits().maxEntryBytes(), this);
    String command;
    synchronized (this) {
      if (stopped || attempt != session || !live) {
        return;
      }
      stream = opened;
      catchingUp = catchUp;
      command = catchUp ? tailer.commands().catchUp(seenCursor) : tailer.commands().follow(seenCursor);
      if (!catchUp) {
        followed = true;
      }
      changeState(ConnectionState.STREAMING, null);
    }
    opened.start(connected, RemoteCommands.forDevice(device, command));
  }

  // --- JournalStream.Sink: called on SSH I/O threads ---

  @Override
  public synchronized boolean mayRead() {
    return inFlightBytes < tailer.settings().maxInFlightBytesPerSession() && !writer.saturated();
  }

  @Override
  public void whenReadable(Runnable resume) {
    synchronized (this) {
      if (inFlightBytes >= tailer.settings().maxInFlightBytesPerSession()) {
        resumeWhenDrained = resume;
        return;
      }
    }
    writer.whenCapacity(resume);
  }

  @Override
  public void entries(List<JournalEntry> entries, String lastCursor, int bytes) {
    long current;
    synchronized (this) {
      inFlightBytes += bytes;
      failures = 0;
      if (lastCursor != null) {
        seenCursor = lastCursor;
      }
      current = epoch;
    }
    writer.submit(this, current, device.uuid(), entries, lastCursor, bytes);
  }

  @Override
  public void refused(String reason) {
    tailer.states().refused();
    log.warn("Device {}: {}", device.uuid(), reason);
  }

  @Override
  public void ended(JournalStream ended, Integer exitStatus, String stderr) {
    int attempt;
    ClientSession connected;
    boolean followNext;
    synchronized (this) {
      if (ended != stream || stopped) {
        return;
      }
      attempt = session;
      connected = ssh;
      followNext = catchingUp && exitStatus != null && exitStatus == 0;
    }
    if (!followNext) {
      failed(attempt, ConnectionState.BACKOFF, "journalctl ended" + (exitStatus == null ? "" : " with exit status " + exitStatus)
          + (stderr.isEmpty() ? " (connection closed)" : ": " + stderr));
      return;
    }
    try {
      openStream(attempt, connected, false);
    } catch (IOException | RuntimeException e) {
      failed(attempt, ConnectionState.BACKOFF, describe(e));
    }
  }

  // --- CommitListener: called on the writer's thread ---

  @Override
  public synchronized boolean stillWanted(long batchEpoch) {
    return batchEpoch == epoch;
  }

  @Override
  public void committed(String cursor, int bytes, int entries) {
    Runnable resume = null;
    synchronized (this) {
      inFlightBytes -= bytes;
      if (cursor != null) {
        committedCursor = cursor;
      }
      if (resumeWhenDrained != null && inFlightBytes < tailer.settings().maxInFlightBytesPerSession() / 2) {
        resume = resumeWhenDrained;
        resumeWhenDrained = null;
      }
    }
    tailer.states().committed(entries);
    if (resume != null) {
      resume.run();
    }
  }

  @Override
  public void aborted(int bytes, String reason) {
    int attempt;
    synchronized (this) {
      inFlightBytes -= bytes;
      epoch++;
      attempt = session;
    }
    failed(attempt, ConnectionState.BACKOFF, reason);
  }

  // --- disk sampling ---

  private void scheduleDiskSampling(int attempt, ClientSession connected) {
    long interval = tailer.settings().diskInterval().toMillis();
    synchronized (this) {
      if (attempt != session || !live) {
        return;
      }
      diskTimer = tailer.timer().scheduleAtFixedRate(() -> tailer.workers().execute(() -> sampleDisk(attempt, connected)),
          0, interval, TimeUnit.MILLISECONDS);
    }
  }

  private void sampleDisk(int attempt, ClientSession connected) {
    synchronized (this) {
      if (attempt != session || !live || stopped) {
        return;
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      connected.executeRemoteCommand(RemoteCommands.forDevice(device, tailer.commands().diskUsage()), out, err, StandardCharsets.UTF_8);
    } catch (IOException e) {
      // df exits 1 when one of the mounts is missing but still reports the others; a dead connection is the journal's to notice
      log.debug("Device {}: df: {}", device.uuid(), e.getMessage());
    }
    DiskUsageParser.Result result = tailer.diskParser().parse(out.toString(StandardCharsets.UTF_8), device.ref(), Instant.now());
    if (!result.unreadable().isEmpty() || err.size() > 0) {
      log.warn("Device {}: df reported {} {}", device.uuid(), result.unreadable(), err.toString(StandardCharsets.UTF_8).strip());
    }
    writer.disk(result.samples());
  }

  // --- failures and state ---

  private void failed(int attempt, ConnectionState failure, String reason) {
    Duration delay;
    synchronized (this) {
      if (stopped || attempt != session || !live) {
        return;
      }
      live = false;
      failures++;
      closeConnection();
      boolean permanent = failure == ConnectionState.AUTH_FAILED || failure == ConnectionState.HOST_KEY_MISMATCH;
      delay = permanent ? tailer.settings().backoff().max() : tailer.settings().backoff().delay(failures);
      boolean changed = failure != state;
      changeState(failure, reason);
      if (changed) {
        log.warn("Device {} ({}:{}): {} — {}; retrying in {} s", device.uuid(), device.connectHost(), device.connectPort(),
            failure, reason, delay.toSeconds());
      } else {
        log.debug("Device {}: still {} — {}; retrying in {} ms", device.uuid(), failure, reason, delay.toMillis());
      }
    }
    tailer.timer().schedule(this::start, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void closeConnection() {
    if (diskTimer != null) {
      diskTimer.cancel(false);
      diskTimer = null;
    }
    if (stream != null) {
      stream.close();
      stream = null;
    }
    if (ssh != null) {
      ssh.close(true);
      ssh = null;
    }
  }

  private ConnectionState classify(ClientSession connected) {
    HostKeyVerifier.Verdict verdict = connected == null ? null : connected.getAttribute(HostKeyVerifier.VERDICT);
    if (verdict == HostKeyVerifier.Verdict.UNKNOWN || verdict == HostKeyVerifier.Verdict.CHANGED) {
      return ConnectionState.HOST_KEY_MISMATCH;
    }
    if (verdict != null && !connected.isAuthenticated()) {
      return ConnectionState.AUTH_FAILED;
    }
    return ConnectionState.BACKOFF;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Called with this tail's lock held. Writes a status record whenever the state or its detail changes. */
  private void changeState(ConnectionState next, String why) {
    boolean changed = next != state || !Objects.equals(detail, why);
    if (next != state) {
      since = Instant.now();
      state = next;
      tailer.states().set(device.uuid(), next);
    }
    detail = why;
    if (changed) {
      writer.status(status());
    }
  }

  private DeviceStatus status() {
    return DeviceStatus.newBuilder()
        .setDeviceUuid(device.uuid()).setFleet(device.fleet())
        .setState(state).setSince(since).setDetail(detail).setAt(Instant.now())
        .build();
  }
}
