package io.fleetpulse.simulator;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated device's journal for tools outside the simulator (benchmarks): a balenaOS engine's ordinary lines
 * and the masterclass's crash loop, written at the times given, with self-consistent clocks and sequence numbers,
 * drained as {@code journalctl -o json} lines.
 */
public final class DeviceJournal {

  private final SimulatedDevice device;

  public DeviceJournal(String uuid, String fleet, long seed) {
    this.device = new SimulatedDevice(uuid, fleet, false, new SplittableRandom(seed));
  }

  /** An ordinary line of the container engine at {@code now}. */
  public void engineLine(Instant now, String message) {
    device.write(now, JournalLine.service("balena.service", "balenad", 1043, message));
  }

  /** The masterclass's {@code kill -9} of balenad twice, 25 s apart from {@code start}: fleetpulse's CRASHLOOP. */
  public void crashLoop(Instant start) {
    Scenario.ENGINE_SIGKILL.play(device, 0, start, (on, mount, used, at) -> {});
    Scenario.ENGINE_SIGKILL.play(device, 25, start.plus(Duration.ofSeconds(25)), (on, mount, used, at) -> {});
  }

  /** The lines written since the last call, oldest first, one JSON object each. */
  public List<String> drain() {
    return device.drain().stream().map(JsonObject::encode).toList();
  }
}
