package io.fleetpulse.launcher;

import io.fleetpulse.launcher.allinone.AllInOne;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.fleetpulse.simulator.SimulationOptions;
import io.fleetpulse.simulator.SimulationRun;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code fleetpulse demo}: the all-in-one stack plus a simulated fleet that replays real failures. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    header = "Run the all-in-one stack with a simulated fleet replaying the masterclass's failures.",
    description = {
        "Starts what `run` starts, then a simulated fleet (50 devices in 3 fleets by default) pushing realistic "
            + "journals to it; a few devices replay balena's Device Debugging Masterclass exercises (engine SIGKILL, "
            + "clock set to 2017, broken DNS, TLS interception, filling and full disk, under-voltage, SD card errors, "
            + "OOM, and NTP blocked for a third of one fleet). Within about a minute the fleet page shows them with "
            + "their causes. Demo data lives in ./data/demo, apart from `run`'s.",
        ""})
final class DemoCommand implements Callable<Integer> {

  @Mixin
  ConfigOptions options;

  @Mixin
  AllInOneOptions allInOne;

  @Mixin
  SimulationOptions simulation;

  @Override
  public Integer call() throws Exception {
    FleetpulseConfig config = options.load(allInOne.flags("./data/demo"));
    AllInOne fleetpulse = new AllInOne(config);
    AtomicReference<SimulationRun> fleet = new AtomicReference<>();
    return Foreground.run(() -> {
      fleetpulse.start();
      String collector = "http://" + config.collector().host() + ":" + fleetpulse.collectorPort();
      fleet.set(simulation.start(collector));
      printWhereToLook(config, fleetpulse, fleet.get());
      return null;
    }, () -> {
      if (fleet.get() != null) {
        fleet.get().close();
      }
      fleetpulse.close();
    });
  }

  private static void printWhereToLook(FleetpulseConfig config, AllInOne fleetpulse, SimulationRun fleet) {
    String api = "http://" + config.api().host() + ":" + fleetpulse.apiPort();
    StringBuilder out = new StringBuilder()
        .append("\nfleetpulse demo is running.\n")
        .append("  Fleet page   ").append(api).append("/\n")
        .append("  REST         curl -s ").append(api).append("/api/v1/fleet/summary\n")
        .append("               curl -s '").append(api).append("/api/v1/alerts?state=firing'\n")
        .append("  Prometheus   curl -s ").append(api).append("/metrics | grep ^fleetpulse_\n")
        .append("  API docs     ").append(api).append("/openapi.yaml\n")
        .append("\nDevices replaying failures (detected within about a minute):\n");
    for (String line : SimulationOptions.describe(fleet)) {
      out.append("  ").append(line).append('\n');
    }
    out.append("\nStop with Ctrl-C.\n");
    System.out.println(out);
  }
}
