package io.fleetpulse.launcher;

import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.fleetpulse.launcher.role.StandaloneRole;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fleetpulse collector} and {@code fleetpulse api}: one role in its own process, against an external Kafka. */
abstract class RoleCommand implements Callable<Integer> {

  @Mixin
  ConfigOptions options;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      description = "The Kafka cluster (kafka.bootstrap, FLEETPULSE_KAFKA_BOOTSTRAP)")
  String bootstrapServers;

  @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (collector.port or api.port)")
  Integer port;

  private final StandaloneRole.Kind kind;
  private final String portKey;

  RoleCommand(StandaloneRole.Kind kind, String portKey) {
    this.kind = kind;
    this.portKey = portKey;
  }

  @Override
  public Integer call() throws Exception {
    StandaloneRole role = new StandaloneRole(kind, config());
    return Foreground.run(role::start, role::close);
  }

  /** The configuration layers with this command's flags on top. */
  FleetpulseConfig config() {
    List<String> flags = new ArrayList<>();
    if (bootstrapServers != null) {
      flags.add("kafka.bootstrap=" + bootstrapServers);
    }
    if (port != null) {
      flags.add(portKey + "=" + port);
    }
    return options.load(flags);
  }

  @Command(
      name = "collector",
      mixinStandardHelpOptions = true,
      header = "Run the collector alone: devices push their journals here, it writes them to Kafka.",
      description = {
          "Stateless: run as many as the push load needs behind one address. /healthz and /metrics are served on "
              + "collector.opsPort (default 19533). Same configuration layers as run.",
          ""})
  static final class Collector extends RoleCommand {
    Collector() {
      super(StandaloneRole.Kind.COLLECTOR, "collector.port");
    }
  }

  @Command(
      name = "api",
      mixinStandardHelpOptions = true,
      header = "Run the api role alone: the streams topology, the REST API over its state, and the alert notifiers.",
      description = {
          "Instances share the partitions; each answers for every device by forwarding to the owner, which it finds "
              + "through api.advertisedHost (Kafka Streams application.server). State stores live under dataDir/streams. "
              + "Same configuration layers as run.",
          ""})
  static final class Api extends RoleCommand {
    Api() {
      super(StandaloneRole.Kind.API, "api.port");
    }
  }
}
