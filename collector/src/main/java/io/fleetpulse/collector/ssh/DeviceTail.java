package io.fleetpulse.collector.ssh;

import io.fleetpulse.collector.inventory.InventoryDevice;
import io.fleetpulse.collector.journal.MalformedEntryException;
import io.fleetpulse.schemas.ConnectionState;
import io.fleetpulse.schemas.DeviceStatus;
import io.fleetpulse.schemas.JournalEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
  private static final int DF_OUTPUT_BYTES = 16 * 1024;
  /** os-release and supervisor.conf are a few hundred bytes. */
  private static final int FACTS_OUTPUT_BYTES = 16 * 1024;
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
  /** Whether the start position has been resolved (see findStart); until then a connection first looks for it. */
  private boolean startFound;
  /** Where reading starts while no entry is committed: the resolved start position (null: the journal's beginning). */
  private String startCursor;
  private boolean sampling;
  private int failures;
  private ClientSession ssh;
  private JournalStream stream;
  private boolean catchingUp;
  private Runnable resumeWhenDrained;
  private ScheduledFuture<?> diskTimer;
  /** The reconnect scheduled after a failure, until it runs. */
  private ScheduledFuture<?> retry;
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

  /** Connects once the previous connection's batches are committed or dropped, and a handshake slot is free. */
  void start() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      if (inFlightBytes > 0) {
        tailer.timer().schedule(this::start, DRAIN_RECHECK.toMillis(), TimeUnit.MILLISECONDS);
        return;
      }
    }
    tailer.handshakes().acquire(this::connect);
  }

  /** Stops tailing; the batches already handed to the writer still commit and move the cursor. */
  void stop() {
    Runnable close;
    synchronized (this) {
      stopped = true;
      close = detachConnection();
    }
    close.run();
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

  /**
   * What kept the device out was fixed (its host key in known_hosts): reconnect now instead of at the end of its
   * backoff, which after a refused host key or login is the longest. Nothing happens if it is connected or stopped.
   */
  void retryNow(String why) {
    synchronized (this) {
      if (stopped || live || retry == null || !retry.cancel(false)) {
        return;
      }
      retry = null;
      log.info("Device {}: {}: reconnecting now", device.uuid(), why);
    }
    start();
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
      if (stopped) {
        tailer.handshakes().release();
        return;
      }
      device = this.device;
      attempt = ++session;
      live = true;
      seenCursor = committedCursor != null ? committedCursor : startCursor;
      if (state == null) {
        // a device that keeps failing stays in its failure state, so "since" says how long it has been unreachable
        changeState(ConnectionState.CONNECTING, null);
      }
    }
    Runnable releaseSlot = once(tailer.handshakes()::release);
    try {
      tailer.client().connect(device.connectUser(), device.connectHost(), device.connectPort()).addListener(connecting -> {
        if (!connecting.isConnected()) {
          releaseSlot.run();
          failed(attempt, ConnectionState.BACKOFF, describe(connecting.getException(), "connection attempt cancelled"));
          return;
        }
        authenticate(attempt, device, connecting.getSession(), releaseSlot);
      });
    } catch (IOException | RuntimeException e) {
      releaseSlot.run();
      failed(attempt, ConnectionState.BACKOFF, describe(e, null));
    }
  }

  private void authenticate(int attempt, InventoryDevice device, ClientSession connected, Runnable releaseSlot) {
    synchronized (this) {
      if (stopped || attempt != session) {
        releaseSlot.run();
        connected.close(true);
        return;
      }
      ssh = connected;
    }
    try {
      connected.setKeyIdentityProvider(tailer.identity(device.connectIdentity()));
      connected.auth().addListener(auth -> {
        releaseSlot.run();
        if (auth.isSuccess()) {
          begin(attempt, connected);
        } else {
          failed(attempt, classify(connected), refusalOr(connected, auth.getException()));
        }
      });
    } catch (IOException | RuntimeException e) {
      releaseSlot.run();
      failed(attempt, classify(connected), refusalOr(connected, e));
    }
  }

  /** Authenticated: find where to start if this device has never had a position, then read the journal from it. */
  private void begin(int attempt, ClientSession connected) {
    boolean positioned;
    synchronized (this) {
      positioned = committedCursor != null || startFound;
    }
    try {
      if (positioned) {
        startReading(attempt, connected);
      } else {
        findStart(attempt, connected);
      }
    } catch (IOException | RuntimeException e) {
      failed(attempt, ConnectionState.BACKOFF, describe(e, null));
    }
  }

  private void startReading(int attempt, ClientSession connected) throws IOException {
    openStream(attempt, connected, true);
    scheduleDiskSampling(attempt, connected);
    readSoftwareFacts(connected);
  }

  /**
   * The configured start position, resolved once into a journal position that every later connection resumes
   * from until an entry is committed: {@code all} is the journal's beginning; {@code now} is the cursor of the
   * journal's last entry at the first connection (the beginning if it has none), which is also committed as
   * the device's cursor so that a restarted collector keeps it. Re-reading "now" at each reconnect would lose
   * what the device logged while it was unreachable; a time ({@code --since}) would not do either, as device
   * clocks jump (a device whose clock went back to 2017 is one of the failures this collector is for).
   */
  private void findStart(int attempt, ClientSession connected) throws IOException {
    if (tailer.settings().startPosition() == StartPosition.ALL) {
      synchronized (this) {
        startFound = true;
      }
      startReading(attempt, connected);
      return;
    }
    ShortCommand.run(connected, RemoteCommands.forDevice(device, tailer.commands().lastEntry()), tailer.settings().limits().maxEntryBytes() + 1,
        tailer.timer(), lastEntry -> {
          try {
            String cursor = lastEntryCursor(lastEntry);
            long current;
            synchronized (this) {
              if (stopped || attempt != session || !live) {
                return;
              }
              startFound = true;
              startCursor = cursor;
              seenCursor = cursor;
              current = epoch;
            }
            if (cursor != null) {
              writer.submit(this, current, device.uuid(), List.of(), cursor, 0);
            }
            startReading(attempt, connected);
          } catch (IOException | RuntimeException e) {
            failed(attempt, ConnectionState.BACKOFF, describe(e, null));
          }
        });
  }

  /** The cursor of the entry {@code journalctl --lines=1} printed; null if the journal is empty. */
  private String lastEntryCursor(ShortCommand.Result lastEntry) throws IOException {
    if (lastEntry.exitStatus() == null || lastEntry.exitStatus() != 0) {
      throw new IOException("could not read the journal's last entry (exit status " + lastEntry.exitStatus() + "): " + lastEntry.problems());
    }
    String line = lastEntry.stdout().strip();
    if (line.isEmpty()) {
      return null;
    }
    byte[] bytes = line.lines().findFirst().orElseThrow().getBytes(StandardCharsets.UTF_8);
    try {
      String cursor = tailer.parser().parse(bytes, 0, bytes.length).text("__CURSOR");
      if (!JournalCursor.isValid(cursor)) {
        throw new IOException("the journal's last entry has no usable __CURSOR: '" + cursor + "'");
      }
      return cursor;
    } catch (MalformedEntryException e) {
      throw new IOException("the journal's last entry is unreadable: " + e.getMessage(), e);
    }
  }

  private void openStream(int attempt, ClientSession connected, boolean catchUp) throws IOException {
    JournalStream opened = new JournalStream(device.ref(), tailer.parser(), tailer.normalizer(), tailer.settings().limits().maxEntryBytes(), this,
        tailer.parsing());
    String command;
    synchronized (this) {
      if (stopped || attempt != session || !live) {
        return;
      }
      stream = opened;
      catchingUp = catchUp;
      command = catchUp ? tailer.commands().catchUp(seenCursor) : tailer.commands().follow(seenCursor);
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
      failed(attempt, ConnectionState.BACKOFF, describe(e, null));
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
      diskTimer = tailer.timer().scheduleAtFixedRate(() -> sampleDisk(attempt, connected), 0, interval, TimeUnit.MILLISECONDS);
    }
  }

  /** What df last complained about (a missing mount), so it is logged once, not every sample. */
  private volatile String lastDiskProblem;

  private void sampleDisk(int attempt, ClientSession connected) {
    synchronized (this) {
      if (attempt != session || !live || stopped || sampling) {
        return;
      }
      sampling = true;
    }
    try {
      ShortCommand.run(connected, RemoteCommands.forDevice(device, tailer.commands().diskUsage()), DF_OUTPUT_BYTES, tailer.timer(), df -> {
        synchronized (this) {
          sampling = false;
        }
        DiskUsageParser.Result result = tailer.diskParser().parse(df.stdout(), device.ref(), Instant.now());
        // df exits 1 when one of the mounts is missing but still reports the others. Said when it first
        // happens and when it clears, not every minute.
        String problem = result.unreadable().isEmpty() && df.problems().isEmpty() ? null : result.unreadable() + " " + df.problems();
        if (problem != null && !problem.equals(lastDiskProblem)) {
          log.warn("Device {}: df reported {} (said again only if it changes)", device.uuid(), problem);
        } else if (problem == null && lastDiskProblem != null) {
          log.info("Device {}: df reports every mount again", device.uuid());
        }
        lastDiskProblem = problem;
        writer.disk(result.samples());
      });
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        sampling = false;
      }
      // a dead connection is the journal stream's to notice
      log.debug("Device {}: df: {}", device.uuid(), e.getMessage());
    }
  }

  // --- software facts ---

  /**
   * Once a connection: what the device runs. An OS update or a supervisor update comes with a reboot or a restart of
   * the supervisor, which a new connection follows; the supervisor's own start line says its version in between.
   */
  private void readSoftwareFacts(ClientSession connected) {
    try {
      ShortCommand.run(connected, RemoteCommands.forDevice(device, tailer.commands().softwareFacts()), FACTS_OUTPUT_BYTES, tailer.timer(),
          cat -> SoftwareFactsParser.parse(cat.stdout(), device.ref(), Instant.now()).ifPresentOrElse(writer::facts,
              () -> log.info("Device {}: no OS release or supervisor version to read ({})", device.uuid(), cat.problems())));
    } catch (IOException | RuntimeException e) {
      // a dead connection is the journal stream's to notice
      log.debug("Device {}: reading its software facts: {}", device.uuid(), e.getMessage());
    }
  }

  // --- failures and state ---

  private void failed(int attempt, ConnectionState failure, String reason) {
    Duration delay;
    Runnable close;
    synchronized (this) {
      if (stopped || attempt != session || !live) {
        return;
      }
      live = false;
      failures++;
      close = detachConnection();
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
    close.run();
    ScheduledFuture<?> scheduled = tailer.timer().schedule(this::start, delay.toMillis(), TimeUnit.MILLISECONDS);
    synchronized (this) {
      retry = scheduled;
    }
  }

  /**
   * Takes the connection out of this tail, under its lock; the returned action closes it and must run
   * without the lock: MINA's close takes the channel's buffer lock, which its I/O threads hold while
   * they call back into this tail (a read that ends the stream), so closing under the lock deadlocks.
   */
  private Runnable detachConnection() {
    ScheduledFuture<?> diskSampling = diskTimer;
    JournalStream reading = stream;
    ClientSession connected = ssh;
    diskTimer = null;
    stream = null;
    ssh = null;
    return () -> {
      if (diskSampling != null) {
        diskSampling.cancel(false);
      }
      if (reading != null) {
        reading.close();
      }
      if (connected != null) {
        connected.close(true);
      }
    };
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

  private static String refusalOr(ClientSession connected, Throwable e) {
    String refusal = connected.getAttribute(HostKeyVerifier.REFUSAL);
    return refusal != null ? refusal : describe(e, "authentication failed");
  }

  private static String describe(Throwable e, String withoutException) {
    if (e == null) {
      return withoutException;
    }
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Runs {@code action} the first time the returned runnable runs, never again. */
  private static Runnable once(Runnable action) {
    AtomicBoolean done = new AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        action.run();
      }
    };
  }

  /** Called with this tail's lock held. Writes a status record whenever the state or its detail changes. */
  private void changeState(ConnectionState next, String why) {
    boolean changed = next != state || !Objects.equals(detail, why);
    if (next == ConnectionState.STREAMING && state != null && state != ConnectionState.CONNECTING && state != ConnectionState.STREAMING) {
      log.info("Device {} streaming again after {} s of {}", device.uuid(), Duration.between(since, Instant.now()).toSeconds(), state);
    }
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
