package io.fleetpulse.collector.ssh;

import io.fleetpulse.collector.inventory.DeviceInventory;
import io.fleetpulse.collector.inventory.InventoryDevice;
import io.fleetpulse.collector.inventory.InventoryException;
import io.fleetpulse.collector.inventory.InventoryWatcher;
import io.fleetpulse.collector.journal.JournalEntryNormalizer;
import io.fleetpulse.collector.journal.JournalJsonParser;
import io.fleetpulse.schemas.ConnectionState;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH collector: tails the journal of every device in the inventory at once, over one MINA SSHD
 * client (asynchronous I/O, so thousands of sessions share a few threads), into Kafka exactly once.
 *
 * <p>Start-up order matters: the transactional producer registers first (aborting what a crashed
 * predecessor left open), then the committed cursors are read, then devices are connected.
 */
public final class SshTailer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SshTailer.class);
  /** The SSH window per channel: what a device may send ahead of our reading, i.e. the buffer per session. */
  private static final long WINDOW_BYTES = 64 * 1024;
  private static final Duration CURSOR_READ_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
  /** From the TCP connection to authenticated, key exchange included. */
  private static final Duration AUTH_TIMEOUT = Duration.ofSeconds(30);
  private static final int HANDSHAKES_AT_ONCE = 32;

  private final SshTailSettings settings;
  private final DeviceStates states;
  private final RemoteCommands commands;
  private final JournalJsonParser parser;
  private final JournalEntryNormalizer normalizer = new JournalEntryNormalizer();
  private final DiskUsageParser diskParser = new DiskUsageParser();
  private final Map<Path, KeyIdentityProvider> identities = new ConcurrentHashMap<>();
  private final Map<String, DeviceTail> tails = new ConcurrentHashMap<>();
  private volatile KnownHostsVersion knownHostsSeen;
  /**
   * Transactional producers, each with its share of the devices (by uuid) and transactional id
   * {@code <transactionalId>-<n>}: a commit waits for the broker, and several writers overlap those
   * waits. The count is fixed, so a restarted collector fences exactly its predecessor's producers.
   */
  static final int WRITERS = 4;

  private final List<TransactionalWriter> writers;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("ssh-collector-timer"));
  /**
   * Connecting is asynchronous end to end (no thread waits for a handshake, a command's answer or a df),
   * so what bounds it is this: how many handshakes run at once.
   */
  private final HandshakeSlots handshakes = new HandshakeSlots(HANDSHAKES_AT_ONCE, timer);
  /** Parses what the sessions read, off the SSH I/O threads (see JournalStream). */
  private final ExecutorService parsing = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
      daemon("ssh-collector-parse"));
  private SshClient client;
  private Map<String, String> cursors = Map.of();

  public SshTailer(SshTailSettings settings, MeterRegistry registry) {
    this.settings = settings;
    this.states = new DeviceStates(registry);
    this.commands = new RemoteCommands(settings.journalctl(), settings.diskMounts());
    this.parser = new JournalJsonParser(settings.limits());
    this.writers = IntStream.range(0, WRITERS).mapToObj(n -> new TransactionalWriter(settings.bootstrapServers(),
        settings.transactionalId() + "-" + n, settings.maxPendingBytes() / WRITERS, settings.producerOverrides())).toList();
  }

  /** Fails if the inventory is unreadable or Kafka unreachable; devices that cannot be reached are retried. */
  public SshTailer start() throws InventoryException {
    InventoryWatcher watcher = new InventoryWatcher(settings.inventoryFile(), this::apply);
    DeviceInventory inventory = watcher.loadInitial();
    writers.forEach(TransactionalWriter::start);
    cursors = CommittedCursors.read(settings.bootstrapServers(), CURSOR_READ_TIMEOUT);
    log.info("SSH collector: {} devices in {}, {} committed cursors, host keys checked against {}{}",
        inventory.devices().size(), settings.inventoryFile(), cursors.size(), settings.knownHosts(),
        settings.trustOnFirstUse() ? " (trust on first use)" : "");
    client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(new HostKeyVerifier(settings.knownHosts(), settings.trustOnFirstUse()));
    // the inventory alone says where a device is: ~/.ssh/config must not redirect or re-key connections
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    // sntrup761 in pure Java (BouncyCastle) costs seconds of CPU per handshake: thousands of sessions could
    // not reconnect. ML-KEM hybrid (where the device offers it) and curve25519 remain.
    client.setKeyExchangeFactories(client.getKeyExchangeFactories().stream()
        .filter(factory -> !factory.getName().startsWith("sntrup")).toList());
    // AES-GCM first: the JDK runs it on AES-NI, while chacha20-poly1305 is pure Java here (several times the CPU per byte)
    client.setCipherFactories(client.getCipherFactories().stream()
        .sorted(Comparator.comparing(cipher -> !cipher.getName().contains("-gcm"))).toList());
    CoreModuleProperties.WINDOW_SIZE.set(client, WINDOW_BYTES);
    CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, CONNECT_TIMEOUT);
    CoreModuleProperties.AUTH_TIMEOUT.set(client, AUTH_TIMEOUT);
    CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, Duration.ofSeconds(30));
    CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 4);
    CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
    client.start();
    apply(inventory);
    watcher.watch(timer, settings.inventoryReload());
    knownHostsSeen = KnownHostsVersion.of(settings.knownHosts());
    long reloadMillis = settings.inventoryReload().toMillis();
    timer.scheduleWithFixedDelay(this::retryRefusedHostsIfKnownHostsChanged, reloadMillis, reloadMillis, TimeUnit.MILLISECONDS);
    long statusMillis = settings.statusInterval().toMillis();
    timer.scheduleAtFixedRate(() -> tails.values().forEach(DeviceTail::writeStatus), statusMillis, statusMillis, TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * Starts tailing devices that were added, stops those removed, and reconnects those whose address
   * changed. A device's tail lives on after removal, so a device that comes back continues from the
   * cursor its last batches committed.
   */
  private synchronized void apply(DeviceInventory inventory) {
    tails.forEach((uuid, tail) -> {
      if (!tail.stopped() && !inventory.devices().containsKey(uuid)) {
        tail.stop();
        log.info("Device {} removed from the inventory", uuid);
      }
    });
    for (InventoryDevice device : inventory.devices().values()) {
      DeviceTail tail = tails.get(device.uuid());
      if (tail == null) {
        tail = new DeviceTail(device, this, cursors.get(device.uuid()));
        tails.put(device.uuid(), tail);
        tail.start();
      } else if (tail.stopped()) {
        tail.restart(device);
      } else if (!tail.device().equals(device)) {
        log.info("Device {} changed in the inventory: reconnecting", device.uuid());
        tail.moveTo(device);
      }
    }
  }

  /** A known_hosts file's identity: when it changed, an operator may have fixed a refused host's key. */
  private record KnownHostsVersion(long modifiedMillis, long size) {
    static KnownHostsVersion of(Path file) {
      try {
        return new KnownHostsVersion(Files.getLastModifiedTime(file).toMillis(), Files.size(file));
      } catch (IOException absent) {
        return new KnownHostsVersion(-1, -1);
      }
    }
  }

  /**
   * Devices refused for their host key wait the longest backoff before they try again; when known_hosts changes
   * (the operator added or fixed their line), they reconnect at once instead.
   */
  private void retryRefusedHostsIfKnownHostsChanged() {
    KnownHostsVersion now = KnownHostsVersion.of(settings.knownHosts());
    if (now.equals(knownHostsSeen)) {
      return;
    }
    knownHostsSeen = now;
    List<DeviceTail> refused = tails.values().stream().filter(tail -> tail.state() == ConnectionState.HOST_KEY_MISMATCH).toList();
    log.info("{} changed: reconnecting the {} devices refused for their host key", settings.knownHosts(), refused.size());
    refused.forEach(tail -> tail.retryNow("known_hosts changed"));
  }

  /** The device's connection state, or null if it is not in the inventory. */
  public ConnectionState state(String uuid) {
    DeviceTail tail = tails.get(uuid);
    return tail == null ? null : tail.state();
  }

  public long devicesIn(ConnectionState state) {
    return states.count(state);
  }

  public double entriesCommitted() {
    return states.committedTotal();
  }

  /** Stops reading, commits what was read, and closes every connection. */
  @Override
  public void close() {
    timer.shutdownNow();
    tails.values().forEach(DeviceTail::stop);
    if (client != null) {
      client.stop();
    }
    writers.forEach(TransactionalWriter::close);
    parsing.shutdownNow();
  }

  // --- what the device tails share ---

  SshTailSettings settings() {
    return settings;
  }

  SshClient client() {
    return client;
  }

  RemoteCommands commands() {
    return commands;
  }

  JournalJsonParser parser() {
    return parser;
  }

  JournalEntryNormalizer normalizer() {
    return normalizer;
  }

  DiskUsageParser diskParser() {
    return diskParser;
  }

  TransactionalWriter writerFor(String uuid) {
    return writers.get(Math.floorMod(uuid.hashCode(), WRITERS));
  }

  DeviceStates states() {
    return states;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  ExecutorService parsing() {
    return parsing;
  }

  HandshakeSlots handshakes() {
    return handshakes;
  }

  KeyIdentityProvider identity(Path file) {
    return identities.computeIfAbsent(file, FileKeyPairProvider::new);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
