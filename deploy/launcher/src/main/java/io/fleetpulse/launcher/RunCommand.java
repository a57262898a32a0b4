package io.fleetpulse.launcher;

import io.fleetpulse.launcher.allinone.AllInOne;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fleetpulse run}: the all-in-one stack on an embedded Kafka broker, until SIGTERM or Ctrl-C. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    header = "Run the all-in-one stack (embedded Kafka, collector, streams, API) in one process.",
    description = {
        "Devices push their journals to the collector, the streams detect problems, the API serves them. "
            + "Kafka logs and streams state persist under the data directory, so a restart continues where it stopped.",
        "",
        "Configuration layers, each overriding the previous: defaults, --config FILE, FLEETPULSE_* environment "
            + "variables (e.g. FLEETPULSE_API_PORT), then --set and the flags below.",
        ""})
final class RunCommand implements Callable<Integer> {

  @Mixin
  ConfigOptions options;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where Kafka logs and streams state live (default ./data)")
  String dataDir;

  @Option(names = "--api-port", paramLabel = "PORT", description = "REST API port (default 8080)")
  Integer apiPort;

  @Option(names = "--collector-port", paramLabel = "PORT", description = "Push ingest port (default 19532)")
  Integer collectorPort;

  @Option(names = "--kafka-port", paramLabel = "PORT", description = "Embedded Kafka port (default 9092)")
  Integer kafkaPort;

  @Override
  public Integer call() throws Exception {
    AllInOne fleetpulse = new AllInOne(options.load(flags()));
    return Foreground.run(fleetpulse::start, fleetpulse::close);
  }

  private List<String> flags() {
    List<String> flags = new ArrayList<>();
    if (dataDir != null) {
      flags.add("dataDir=" + dataDir);
    }
    if (apiPort != null) {
      flags.add("api.port=" + apiPort);
    }
    if (collectorPort != null) {
      flags.add("collector.port=" + collectorPort);
    }
    if (kafkaPort != null) {
      flags.add("embedded.port=" + kafkaPort);
    }
    return flags;
  }
}
