package io.fleetpulse.collector.ssh.simulated;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.AsyncCommand;
import org.apache.sshd.server.command.Command;

/**
 * An in-process MINA {@link SshServer} playing balena's SSH proxy in front of any number of devices:
 * it answers {@code host -s UUID 'journalctl …'} with that device's journal (entries 1…{@code head},
 * then, in endless mode, new entries for as long as it is read) and {@code host -s UUID 'df …'} with
 * fixed disk usage. Output is written asynchronously and flow-controlled by the client's SSH window,
 * so thousands of sessions need no thread each. The SSH collector's tests and {@code bench ssh} use it.
 */
public final class SimulatedFleet implements AutoCloseable {

  private static final Pattern PROXY_COMMAND = Pattern.compile("host -s ([0-9a-f]{32}) '(.*)'");
  private static final Pattern AFTER_CURSOR = Pattern.compile("--after-cursor=\"[^\"]*;i=([0-9a-f]+);[^\"]*\"");
  private static final int ENTRIES_PER_WRITE = 64;

  /** Per-device counters a test can check. */
  public static final class Device {
    public final AtomicInteger connections = new AtomicInteger();
    public final AtomicLong bytesSent = new AtomicLong();
    public final AtomicLong entriesSent = new AtomicLong();
    public final AtomicInteger diskUsageRuns = new AtomicInteger();
  }

  /** How the simulated devices answer {@code df}. */
  public enum Df {
    ANSWERS,
    /** Never answers nor exits, as df does on a device whose storage hangs. */
    HANGS
  }

  private final SshServer server = SshServer.setUpDefaultServer();
  private final KeyPair hostKey;
  private final Path clientKey;
  private final long head;
  private final boolean endless;
  private final long dropFirstConnectionAfter;
  private final Df df;
  private final Map<String, Device> devices = new ConcurrentHashMap<>();
  private final ExecutorService writers = Executors.newFixedThreadPool(2, runnable -> {
    Thread thread = new Thread(runnable, "simulated-fleet");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * @param head entries each device's journal holds
   * @param endless whether following goes on producing entries after the head
   * @param dropFirstConnectionAfter cut each device's first connection after this many entries (0: never)
   */
  public SimulatedFleet(Path dir, long head, boolean endless, long dropFirstConnectionAfter) throws IOException, GeneralSecurityException {
    this(dir, head, endless, dropFirstConnectionAfter, Df.ANSWERS);
  }

  public SimulatedFleet(Path dir, long head, boolean endless, long dropFirstConnectionAfter, Df df)
      throws IOException, GeneralSecurityException {
    this.head = head;
    this.df = df;
    this.endless = endless;
    this.dropFirstConnectionAfter = dropFirstConnectionAfter;
    this.hostKey = ecKey();
    KeyPair client = ecKey();
    this.clientKey = dir.resolve("simulated_fleet_client_key");
    try (OutputStream out = Files.newOutputStream(clientKey)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(client, "fleetpulse-test", null, out);
    }
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, client.getPublic()));
    server.setCommandFactory((channel, command) -> command(command));
    server.start();
  }

  public int port() {
    return server.getPort();
  }

  public Path clientKey() {
    return clientKey;
  }

  public String knownHostsLine() {
    return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
  }

  public Device device(String uuid) {
    return devices.computeIfAbsent(uuid, key -> new Device());
  }

  /** An inventory of these devices, all reached through this proxy. */
  public String inventory(List<String> uuids) {
    StringBuilder yaml = new StringBuilder("proxies:\n  simulated:\n    host: 127.0.0.1\n    port: " + port()
        + "\n    user: fleet\n    identityFile: " + clientKey + "\n    command: \"host -s {uuid} '{command}'\"\ndevices:\n");
    uuids.forEach(uuid -> yaml.append("  - {uuid: ").append(uuid).append(", fleet: sim, proxy: simulated}\n"));
    return yaml.toString();
  }

  public static String entry(String uuid, long seqnum) {
    long realtime = 1_795_000_000_000_000L + seqnum * 1000;
    return "{\"__CURSOR\":\"s=" + uuid + ";i=" + Long.toHexString(seqnum) + ";b=" + uuid + ";m=" + Long.toHexString(seqnum * 1000)
        + ";t=" + Long.toHexString(realtime) + ";x=" + Long.toHexString(seqnum * 31) + "\",\"__REALTIME_TIMESTAMP\":\"" + realtime
        + "\",\"__MONOTONIC_TIMESTAMP\":\"" + seqnum * 1000 + "\",\"_BOOT_ID\":\"" + uuid + "\",\"__SEQNUM\":\"" + seqnum
        + "\",\"PRIORITY\":\"6\",\"_PID\":\"812\",\"_TRANSPORT\":\"stdout\",\"_HOSTNAME\":\"sim\",\"SYSLOG_IDENTIFIER\":\"balena-supervisor\""
        + ",\"_SYSTEMD_UNIT\":\"balena-supervisor.service\",\"MESSAGE\":\"[info]    Reported current state to the cloud (" + seqnum + ")\"}\n";
  }

  static final String OS_RELEASE = """
      ID="balena-os"
      NAME="balenaOS"
      VERSION="2.115.1+rev1"
      VERSION_ID="2.115.1+rev1"
      PRETTY_NAME="balenaOS 2.115.1+rev1"
      MACHINE="raspberrypi4-64"
      VARIANT="Production"
      VARIANT_ID=prod
      META_BALENA_VERSION="2.115.1"
      SLUG="raspberrypi4-64"
      """;
  static final String SUPERVISOR_CONF = """
      SUPERVISOR_IMAGE=registry2.balena-cloud.com/v2/4ca706e1c624daff7e519b3009746b2c
      SUPERVISOR_VERSION=v14.11.2
      LED_FILE=/dev/null
      """;

  private Command command(String command) {
    Matcher proxied = PROXY_COMMAND.matcher(command);
    if (!proxied.matches()) {
      return new Output("", "unsupported command: " + command + "\n", 127);
    }
    String uuid = proxied.group(1);
    String inner = proxied.group(2);
    if (inner.startsWith("df ")) {
      device(uuid).diskUsageRuns.incrementAndGet();
      if (df == Df.HANGS) {
        return new Hanging();
      }
      return new Output("Mounted on     1B-blocks      Used     Avail\n/mnt/data   1000000000 400000000 600000000\n"
          + "/mnt/state    20000000   1000000  19000000\n", "", 0);
    }
    if (inner.startsWith("cat /etc/os-release")) {
      // balenaOS's own files, as a Raspberry Pi 4 running balenaOS 2.115.1 has them.
      return new Output(OS_RELEASE + SUPERVISOR_CONF, "", 0);
    }
    if (!inner.startsWith("journalctl ")) {
      return new Output("", "unsupported command: " + inner + "\n", 127);
    }
    Matcher cursor = AFTER_CURSOR.matcher(inner);
    boolean follow = inner.contains("--follow");
    if (inner.contains("--lines=1")) {
      return new Output(head > 0 ? entry(uuid, head) : "", "", 0);
    }
    long next = cursor.find() ? Long.parseLong(cursor.group(1), 16) + 1 : 1;
    Device device = device(uuid);
    int connection = device.connections.incrementAndGet();
    long dropAt = connection == 1 && dropFirstConnectionAfter > 0 ? dropFirstConnectionAfter : Long.MAX_VALUE;
    return new Journal(uuid, device, next, follow, dropAt);
  }

  private static KeyPair ecKey() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
    writers.shutdownNow();
  }

  /** A command that never uses the blocking streams MINA offers every command. */
  private abstract static class WithoutBlockingStreams implements Command {
    @Override
    public void setInputStream(java.io.InputStream in) {}

    @Override
    public void setOutputStream(OutputStream out) {}

    @Override
    public void setErrorStream(OutputStream err) {}
  }

  /** journalctl on one device: writes entries as fast as the client's window allows. */
  private final class Journal extends WithoutBlockingStreams implements AsyncCommand {
    private final String uuid;
    private final Device device;
    private final boolean follow;
    private final long dropAt;
    private long next;
    private IoOutputStream out;
    private ExitCallback exit;
    private ChannelSession channel;
    private volatile boolean destroyed;

    Journal(String uuid, Device device, long next, boolean follow, long dropAt) {
      this.uuid = uuid;
      this.device = device;
      this.next = next;
      this.follow = follow;
      this.dropAt = dropAt;
    }

    @Override
    public void setIoOutputStream(IoOutputStream out) {
      this.out = out;
    }

    @Override
    public void setIoErrorStream(IoOutputStream err) {}

    @Override
    public void setIoInputStream(org.apache.sshd.common.io.IoInputStream in) {}

    @Override
    public void setExitCallback(ExitCallback exit) {
      this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      this.channel = channel;
      writers.execute(this::writeMore);
    }

    private void writeMore() {
      if (destroyed) {
        return;
      }
      long last = follow && endless ? Long.MAX_VALUE : head;
      if (next > dropAt) {
        channel.getSession().close(true);
        return;
      }
      if (next > last) {
        if (!follow) {
          exit.onExit(0);
        }
        return;
      }
      StringBuilder chunk = new StringBuilder(ENTRIES_PER_WRITE * 420);
      int entries = 0;
      for (; entries < ENTRIES_PER_WRITE && next <= last && next <= dropAt; entries++) {
        chunk.append(entry(uuid, next++));
      }
      int count = entries;
      byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
      try {
        out.writeBuffer(new ByteArrayBuffer(bytes)).addListener(written -> {
          if (written.isWritten()) {
            device.bytesSent.addAndGet(bytes.length);
            device.entriesSent.addAndGet(count);
            writers.execute(this::writeMore);
          }
        });
      } catch (IOException e) {
        destroyed = true;
      }
    }

    @Override
    public void destroy(ChannelSession channel) {
      destroyed = true;
    }
  }

  /** A command with fixed output and exit status. */
  private static final class Output implements Command {
    private final String stdout;
    private final String stderr;
    private final int status;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    Output(String stdout, String stderr, int status) {
      this.stdout = stdout;
      this.stderr = stderr;
      this.status = status;
    }

    @Override
    public void setInputStream(java.io.InputStream in) {}

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
      this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
      out.write(stdout.getBytes(StandardCharsets.UTF_8));
      out.flush();
      err.write(stderr.getBytes(StandardCharsets.UTF_8));
      err.flush();
      exit.onExit(status);
    }

    @Override
    public void destroy(ChannelSession channel) {}
  }

  /** A command that neither writes nor exits until its channel is closed. */
  private static final class Hanging extends WithoutBlockingStreams {
    @Override
    public void setExitCallback(ExitCallback exit) {}

    @Override
    public void start(ChannelSession channel, Environment env) {}

    @Override
    public void destroy(ChannelSession channel) {}
  }
}
