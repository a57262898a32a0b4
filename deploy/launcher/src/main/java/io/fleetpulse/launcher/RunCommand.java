package io.fleetpulse.launcher;

import io.fleetpulse.launcher.allinone.AllInOne;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code fleetpulse run}: the all-in-one stack on an embedded Kafka broker, until SIGTERM or Ctrl-C. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    header = "Run the all-in-one stack (embedded Kafka, collector, streams, API) in one process.",
    description = {
        "Devices push their journals to the collector, the streams detect problems, the API serves them. "
            + "Kafka logs and streams state persist under the data directory (default ./data), so a restart continues "
            + "where it stopped.",
        "",
        "Configuration layers, each overriding the previous: defaults, --config FILE, FLEETPULSE_* environment "
            + "variables (e.g. FLEETPULSE_API_PORT), then --set and the flags below.",
        ""})
final class RunCommand implements Callable<Integer> {

  @Mixin
  ConfigOptions options;

  @Mixin
  AllInOneOptions allInOne;

  @Override
  public Integer call() throws Exception {
    AllInOne fleetpulse = new AllInOne(options.load(allInOne.flags(null)));
    return Foreground.run(fleetpulse::start, fleetpulse::close);
  }
}
