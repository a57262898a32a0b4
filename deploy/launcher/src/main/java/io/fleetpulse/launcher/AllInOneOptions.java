package io.fleetpulse.launcher;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The all-in-one's own flags, shared by {@code run} and {@code demo}: where data lives and which ports to use. */
final class AllInOneOptions {

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where Kafka logs and streams state live")
  String dataDir;

  @Option(names = "--api-port", paramLabel = "PORT", description = "REST API port (default 8080)")
  Integer apiPort;

  @Option(names = "--collector-port", paramLabel = "PORT", description = "Push ingest port (default 19532)")
  Integer collectorPort;

  @Option(names = "--kafka-port", paramLabel = "PORT", description = "Embedded Kafka port (default 9092)")
  Integer kafkaPort;

  /** The flags as {@code path=value} overrides; {@code defaultDataDir} applies when --data-dir is not given. */
  List<String> flags(String defaultDataDir) {
    List<String> flags = new ArrayList<>();
    String dir = dataDir != null ? dataDir : defaultDataDir;
    if (dir != null) {
      flags.add("dataDir=" + dir);
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
