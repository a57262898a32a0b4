package io.fleetpulse.launcher;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.launcher.config.DataDirLock;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.fleetpulse.schemas.TopicProvisioner;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fleetpulse broker}: the KRaft broker of {@code run}, alone, for the separate roles on one machine
 * (development, the crash suite's broker kills): a single node, or with {@code --node-id} and
 * {@code --voters} one node of a small cluster of such processes (the cluster crash runs kill one of
 * three). Not a production Kafka: loopback only.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    header = "Run the embedded single-node Kafka broker alone (loopback only), with fleetpulse's topics.",
    description = {
        "Listens on 127.0.0.1:embedded.port (default 9092), keeps its log under dataDir/kafka, and creates fleetpulse's "
            + "topics (kafka.partitions). Then start the roles against it: ./fleetpulse collector --bootstrap-servers "
            + "127.0.0.1:9092 and ./fleetpulse api --bootstrap-servers 127.0.0.1:9092. For production use a real Kafka "
            + "cluster (README, Production deployment).",
        ""})
final class BrokerCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(BrokerCommand.class);

  @Mixin
  ConfigOptions options;

  @Option(names = "--node-id", description = "this node's id in --voters (default: a single-node broker)")
  Integer nodeId;

  @Option(names = "--voters", paramLabel = "ID@HOST:PORT,...",
      description = "every node of the cluster as id@host:controllerPort; this node's controller listens on its own entry's port")
  String voters;

  @Option(names = "--cluster-id", description = "the id every node of the cluster is formatted with (once, on first start)")
  String clusterId;

  @Spec
  CommandSpec spec;

  private EmbeddedKafkaBroker broker;
  private DataDirLock lock;

  @Override
  public Integer call() throws Exception {
    FleetpulseConfig config = options.load(List.of());
    return Foreground.run(() -> start(config), () -> {
      if (broker != null) {
        broker.close();
      }
      if (lock != null) {
        lock.close();
      }
    });
  }

  /** The node's place in its cluster, checked before anything starts. */
  private EmbeddedKafkaBroker.Quorum quorum() {
    if (nodeId == null || voters == null || clusterId == null) {
      throw new ParameterException(spec.commandLine(), "a cluster node needs --node-id, --voters and --cluster-id together");
    }
    if (Arrays.stream(voters.split(",")).noneMatch(voter -> voter.startsWith(nodeId + "@"))) {
      throw new ParameterException(spec.commandLine(), "--voters " + voters + " has no entry for --node-id " + nodeId);
    }
    return new EmbeddedKafkaBroker.Quorum(nodeId, voters, clusterId);
  }

  private EmbeddedKafkaBroker start(FleetpulseConfig config) throws InterruptedException {
    lock = DataDirLock.acquire(Path.of(config.dataDir()), "broker", List.of("broker"));
    Path logs = Path.of(config.dataDir()).resolve("kafka");
    EmbeddedKafkaBroker.Settings settings = new EmbeddedKafkaBroker.Settings(logs, "127.0.0.1", config.embedded().port(),
        config.embedded().controllerPort(), Map.of());
    if (nodeId != null || voters != null) {
      EmbeddedKafkaBroker.Quorum quorum = quorum();
      settings = settings.withPorts(config.embedded().port(), quorum.controllerPort()).inQuorum(quorum);
    }
    broker = new EmbeddedKafkaBroker(settings).start();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      new TopicProvisioner(config.kafka().partitions(), config.kafka().replication()).provision(admin);
    }
    log.info("Kafka ready on {} (data in {}): start the roles with --bootstrap-servers {}", broker.bootstrapServers(),
        logs.toAbsolutePath(), broker.bootstrapServers());
    return broker;
  }
}
