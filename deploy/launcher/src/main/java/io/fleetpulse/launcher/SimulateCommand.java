package io.fleetpulse.launcher;

import io.fleetpulse.simulator.SimulationOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

  @Override
  public Integer call() throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    try (var run = options.start(collector)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "simulator-shutdown"));
      stopped.await();
    }
    return 0;
  }
}
