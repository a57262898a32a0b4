package io.fleetpulse.launcher;

import io.fleetpulse.kafka.EmbeddedKafkaCluster;
import io.fleetpulse.launcher.config.DataDirLock;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.fleetpulse.schemas.TopicProvisioner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * {@code fleetpulse cluster}: a small KRaft cluster in one process, on loopback, for trying the roles against
 * replication (several collectors and api instances, a node stopped and started again) without installing
 * Kafka. Each node is a broker and a controller; fleetpulse's topics are replicated on up to three of them.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    header = "Run a small Kafka cluster (KRaft, loopback only) in one process, with fleetpulse's topics replicated.",
    description = {
        "Node n (from 1) listens on 127.0.0.1:embedded.port + 2(n - 1), its controller on the port after it (defaults "
            + "9092/9093, 9094/9095, 9096/9097), and keeps its log under dataDir/kafka-cluster/node-n. Topics get "
            + "kafka.partitions partitions, replicated on min(3, nodes) nodes with min.insync.replicas 2 from three nodes on. "
            + "Then start the roles with --bootstrap-servers listing the nodes. To see a node's loss from outside, run one "
            + "'fleetpulse broker --node-id --voters --cluster-id' process per node instead (README, Running on a cluster).",
        ""})
final class ClusterCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(ClusterCommand.class);

  @Mixin
  ConfigOptions options;

  @Option(names = "--brokers", description = "how many nodes (default ${DEFAULT-VALUE})")
  int brokers = 3;

  @Spec
  CommandSpec spec;

  private EmbeddedKafkaCluster cluster;
  private DataDirLock lock;

  @Override
  public Integer call() throws Exception {
    FleetpulseConfig config = options.load(List.of());
    return Foreground.run(() -> start(config), () -> {
      if (cluster != null) {
        cluster.close();
      }
      if (lock != null) {
        lock.close();
      }
    });
  }

  private EmbeddedKafkaCluster start(FleetpulseConfig config) throws InterruptedException {
    if (brokers < 1 || brokers > 9) {
      throw new ParameterException(spec.commandLine(), "--brokers must be between 1 and 9, not " + brokers);
    }
    lock = DataDirLock.acquire(Path.of(config.dataDir()), "cluster", List.of("cluster"));
    Path dir = Path.of(config.dataDir()).resolve("kafka-cluster");
    int base = config.embedded().port();
    cluster = new EmbeddedKafkaCluster(dir, IntStream.range(0, brokers).map(node -> base + 2 * node).toArray(),
        IntStream.range(0, brokers).map(node -> base + 2 * node + 1).toArray(), Map.of());
    log.info("Starting {} Kafka nodes (data in {})", brokers, dir.toAbsolutePath());
    cluster.start();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      new TopicProvisioner(config.kafka().partitions(), (short) Math.min(3, brokers)).provision(admin);
    }
    log.info("Kafka cluster of {} nodes ready: start the roles with --bootstrap-servers {} --set kafka.replication={}", brokers,
        cluster.bootstrapServers(), Math.min(3, brokers));
    return cluster;
  }
}
