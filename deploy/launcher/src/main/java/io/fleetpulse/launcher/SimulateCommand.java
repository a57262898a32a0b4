package io.fleetpulse.launcher;

import io.fleetpulse.simulator.SimulationOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleetpulse simulate}: a simulated fleet pushing to a collector, until stopped. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    header = "Simulate a fleet of balenaOS devices pushing their journals to a collector.",
    description = {"Devices log realistic healthy traffic; some replay the Device Debugging Masterclass's failures "
        + "(engine SIGKILL, clock set to 2017, broken DNS, TLS interception, filling or full disk, under-voltage, SD card "
        + "errors, OOM, NTP blocked for a third of a fleet). The same seed gives the same fleet.", ""})
final class SimulateCommand implements Callable<Integer> {

  @Option(names = "--collector", defaultValue = "http://127.0.0.1:19532", description = "Collector push URL (default: ${DEFAULT-VALUE})")
  String collector;

  @Mixin
  SimulationOptions options;

  @Option(names = "--list", description = "Print which device replays which scenario, and what fleetpulse should detect there, "
      + "then exit without pushing")
  boolean list;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (list) {
      try (var run = options.prepare(collector)) {
        SimulationOptions.describe(run).forEach(spec.commandLine().getOut()::println);
      }
      return 0;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    try (var run = options.start(collector)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "simulator-shutdown"));
      stopped.await();
    }
    return 0;
  }
}
