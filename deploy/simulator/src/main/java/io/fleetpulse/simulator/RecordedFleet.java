package io.fleetpulse.simulator;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * What a simulated fleet logs over a span of time, without a collector: for tests that feed the very entries
 * devices would push (as {@code journalctl -o json} objects) straight into the pipeline, with the wall clock moving
 * along.
 */
public final class RecordedFleet {

  /** One device's entry or disk sample, pushed at {@code pushedAt}. */
  public record Push(Instant pushedAt, String deviceUuid, String fleet, JsonObject entry, JsonObject diskSample) {}

  private RecordedFleet() {}

  /** {@code devices} devices of one fleet living {@code length} of the {@link Profile#DAY day profile} from {@code start}. */
  public static List<Push> benignDay(int devices, Instant start, Duration length, long seed) {
    FleetSimulator fleet = new FleetSimulator(new SimulatorSettings(devices, 1, 0, seed, EnumSet.noneOf(Scenario.class), Profile.DAY,
        length, 1));
    List<Push> pushes = new ArrayList<>();
    for (Instant now = start; now.isBefore(start.plus(length)); now = now.plusSeconds(1)) {
      Instant pushedAt = now.plusSeconds(1);
      FleetSimulator.Tick tick = fleet.tick(now);
      tick.entries().forEach((device, entries) -> entries.forEach(entry -> pushes.add(new Push(pushedAt, device.uuid, device.fleet, entry, null))));
      tick.diskSamples().forEach((device, samples) -> samples.forEach(sample -> pushes.add(new Push(pushedAt, device.uuid, device.fleet, null, sample))));
    }
    return pushes;
  }
}
