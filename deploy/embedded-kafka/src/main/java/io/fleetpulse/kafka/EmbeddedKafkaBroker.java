package io.fleetpulse.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka broker (KRaft, combined broker + controller) running in this JVM: a single node by default, or one
 * node of a quorum ({@link EmbeddedKafkaCluster}, or one {@code fleetpulse broker} process per node).
 *
 * <p>It is what {@code ./fleetpulse run} uses as its Kafka, and what every integration test talks to.
 * The log directory persists across restarts: the storage is formatted only the first time, so a
 * restarted all-in-one keeps every topic, offset and transaction. Kafka's own test kit is not used
 * because it is not published for 4.4 (see ARCHITECTURE.md, "Embedded broker").
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Settings settings;
  private final int brokerPort;
  private final int controllerPort;
  private KafkaRaftServer server;

  /**
   * Where and how to run. Port 0 picks a free port. Alone by default; {@link #inQuorum} makes the node one of
   * several combined broker-controllers ({@link EmbeddedKafkaCluster}).
   */
  public record Settings(Path dataDir, String host, int port, int controllerPort, Map<String, String> overrides, Quorum quorum) {
    public Settings {
      overrides = Map.copyOf(overrides);
    }

    public Settings(Path dataDir, String host, int port, int controllerPort, Map<String, String> overrides) {
      this(dataDir, host, port, controllerPort, overrides, null);
    }

    public static Settings of(Path dataDir) {
      return new Settings(dataDir, "127.0.0.1", 0, 0, Map.of());
    }

    public Settings withPorts(int port, int controllerPort) {
      return new Settings(dataDir, host, port, controllerPort, overrides, quorum);
    }

    public Settings inQuorum(Quorum quorum) {
      return new Settings(dataDir, host, port, controllerPort, overrides, quorum);
    }
  }

  /**
   * This node's place in a cluster: its id, every voter as {@code id@host:controllerPort} (Kafka's
   * {@code controller.quorum.voters}), and the cluster id all of them are formatted with.
   */
  public record Quorum(int nodeId, String voters, String clusterId) {
    int size() {
      return voters.split(",").length;
    }

    /** The controller port of this node's own entry in {@code voters}. */
    public int controllerPort() {
      for (String voter : voters.split(",")) {
        if (voter.startsWith(nodeId + "@")) {
          return Integer.parseInt(voter.substring(voter.lastIndexOf(':') + 1));
        }
      }
      throw new IllegalArgumentException("the voters " + voters + " have no entry for node " + nodeId);
    }
  }

  public EmbeddedKafkaBroker(Settings settings) {
    this.settings = settings;
    this.brokerPort = settings.port() == 0 ? freePort(settings.controllerPort()) : settings.port();
    // Never the broker's: the kernel may hand a just-released port out again.
    this.controllerPort = settings.controllerPort() == 0 ? freePort(brokerPort) : settings.controllerPort();
  }

  /**
   * Formats the storage when new, starts the broker and waits until it answers metadata requests. A node of
   * a quorum returns once a majority of the voters runs: start them together ({@link EmbeddedKafkaCluster}).
   */
  public synchronized EmbeddedKafkaBroker start() {
    if (server != null) {
      return this;
    }
    Instant begin = Instant.now();
    Properties props = brokerProperties();
    formatStorageIfNew(props);
    KafkaConfig config = KafkaConfig.fromProps(props, false);
    server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    awaitReady();
    log.info("Embedded Kafka {}ready on {} (data in {}) after {} ms", settings.quorum() == null ? "" : "node " + nodeId() + " ",
        bootstrapServers(), settings.dataDir().toAbsolutePath(), Duration.between(begin, Instant.now()).toMillis());
    return this;
  }

  public int nodeId() {
    return settings.quorum() == null ? 1 : settings.quorum().nodeId();
  }

  public String bootstrapServers() {
    return settings.host() + ":" + brokerPort;
  }

  public Path dataDir() {
    return settings.dataDir();
  }

  public boolean isRunning() {
    return server != null;
  }

  /** Stops the broker cleanly (controlled shutdown, logs flushed); the data stays for the next start. */
  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    log.info("Stopping embedded Kafka on {}", bootstrapServers());
    server.shutdown();
    server.awaitShutdown();
    server = null;
  }

  private Properties brokerProperties() {
    String host = settings.host();
    Properties props = new Properties();
    Quorum quorum = settings.quorum() != null ? settings.quorum() : new Quorum(1, "1@" + host + ":" + controllerPort, null);
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(quorum.nodeId()));
    props.put("controller.quorum.voters", quorum.voters());
    props.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("log.dirs", settings.dataDir().resolve("logs").toAbsolutePath().toString());
    // Internal topics on every node up to three, surviving one node's loss from three on (min ISR 2); fewer
    // partitions start faster.
    String replicas = Integer.toString(Math.min(3, quorum.size()));
    String minInSync = quorum.size() >= 3 ? "2" : "1";
    props.put("offsets.topic.replication.factor", replicas);
    props.put("offsets.topic.num.partitions", "10");
    props.put("transaction.state.log.replication.factor", replicas);
    props.put("transaction.state.log.min.isr", minInSync);
    props.put("transaction.state.log.num.partitions", "10");
    props.put("share.coordinator.state.topic.replication.factor", replicas);
    props.put("share.coordinator.state.topic.min.isr", minInSync);
    props.put("default.replication.factor", replicas);
    props.put("min.insync.replicas", minInSync);
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "false");
    // After a kill -9 the controller still holds the dead incarnation's registration and refuses the new one
    // until that session expires: 9 s by default, most of a restart. One node heartbeating to itself in the
    // same JVM needs no such margin against network trouble.
    props.put("broker.session.timeout.ms", "3000");
    props.put("broker.heartbeat.interval.ms", "750");
    props.putAll(settings.overrides());
    return props;
  }

  private void formatStorageIfNew(Properties props) {
    Path logDir = settings.dataDir().resolve("logs");
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    try {
      Files.createDirectories(logDir);
      Path configFile = settings.dataDir().resolve("server.properties");
      try (Writer out = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
        props.store(out, "written by fleetpulse for formatting the embedded broker's storage");
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      String clusterId = settings.quorum() != null && settings.quorum().clusterId() != null
          ? settings.quorum().clusterId() : Uuid.randomUuid().toString();
      // Transactions v1 (one epoch per producer, not per transaction): under kill -9 of the broker, v2 (Kafka 4.x's
      // default) committed an earlier epoch's leftovers with a later transaction's marker (docs/benchmarks.md,
      // issue 13). A committed transaction left without its marker on a partition is seen with both versions.
      String[] args = {"format", "--cluster-id", clusterId, "--config", configFile.toString(), "--ignore-formatted",
          "--feature", "transaction.version=1"};
      int rc = StorageTool.execute(args, new PrintStream(output, true, StandardCharsets.UTF_8));
      if (rc != 0) {
        throw new IllegalStateException("Formatting Kafka storage in " + logDir + " failed: " + output.toString(StandardCharsets.UTF_8));
      }
      log.info("Formatted new Kafka storage in {}", logDir.toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare Kafka storage in " + logDir + ": check that the directory is writable", e);
    }
  }

  private void awaitReady() {
    Map<String, Object> adminConfig = Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    try (Admin admin = Admin.create(adminConfig)) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
            break;
          }
        } catch (ExecutionException | TimeoutException e) {
          if (Instant.now().isAfter(deadline)) {
            throw new IllegalStateException("Embedded Kafka did not become ready within " + READY_TIMEOUT.toSeconds() + " s", e);
          }
        }
      }
      if (settings.quorum() == null) {
        createTransactionLog(admin, deadline);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for embedded Kafka", e);
    }
  }

  /**
   * Has the broker create its transaction log now, by asking its transaction coordinator once: otherwise every
   * transactional client of the all-in-one (collector writers, stream threads) asks at the same moment, the broker
   * creates it for the first and logs a failed auto-creation (TOPIC_ALREADY_EXISTS) for each of the others — some
   * seventy WARN lines on a newcomer's console.
   */
  private static void createTransactionLog(Admin admin, Instant deadline) throws InterruptedException {
    while (true) {
      Exception notYet;
      try {
        admin.describeTransactions(List.of("fleetpulse-embedded-broker-start")).all().get(10, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TransactionalIdNotFoundException) {
          return; // the coordinator answered for its partition of the log: the log is there
        }
        notYet = e;
      } catch (TimeoutException e) {
        notYet = e;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("The embedded broker's transaction log was not ready within " + READY_TIMEOUT.toSeconds() + " s",
            notYet);
      }
    }
  }

  /** A free local port other than {@code taken}. */
  private static int freePort(int taken) {
    for (int attempt = 0; attempt < 10; attempt++) {
      try (ServerSocket socket = new ServerSocket(0)) {
        socket.setReuseAddress(true);
        if (socket.getLocalPort() != taken) {
          return socket.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("No free local port for the embedded broker", e);
      }
    }
    throw new IllegalStateException("No free local port for the embedded broker other than " + taken);
  }
}
