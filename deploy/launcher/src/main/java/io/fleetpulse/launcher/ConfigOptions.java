package io.fleetpulse.launcher;

import io.fleetpulse.launcher.config.ConfigLoader;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The configuration options every long-running command shares: the file and {@code --set} overrides. */
final class ConfigOptions {

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (see README, Configuration)")
  Path configFile;

  @Option(names = "--set", paramLabel = "PATH=VALUE", description = "Override one setting, e.g. --set kafka.partitions=12 (repeatable)")
  List<String> sets = new ArrayList<>();

  /** Loads the layers; {@code flags} (from the command's named options) override {@code --set}. */
  FleetpulseConfig load(List<String> flags) {
    List<String> all = new ArrayList<>(sets);
    all.addAll(flags);
    return new ConfigLoader().load(configFile, System.getenv(), all);
  }
}
