package io.fleetpulse.launcher;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.launcher.config.DataDirLock;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.fleetpulse.schemas.TopicProvisioner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code fleetpulse broker}: the single-node KRaft broker of {@code run}, alone, for the separate roles on
 * one machine (development, the crash suite's broker kills). Not a production Kafka: one node, no
 * replication, loopback only.
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

  private EmbeddedKafkaBroker start(FleetpulseConfig config) throws InterruptedException {
    lock = DataDirLock.acquire(Path.of(config.dataDir()), "broker", List.of("broker"));
    Path logs = Path.of(config.dataDir()).resolve("kafka");
    broker = new EmbeddedKafkaBroker(new EmbeddedKafkaBroker.Settings(logs, "127.0.0.1", config.embedded().port(),
        config.embedded().controllerPort(), Map.of())).start();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      new TopicProvisioner(config.kafka().partitions(), config.kafka().replication()).provision(admin);
    }
    log.info("Kafka ready on {} (data in {}): start the roles with --bootstrap-servers {}", broker.bootstrapServers(),
        logs.toAbsolutePath(), broker.bootstrapServers());
    return broker;
  }
}
