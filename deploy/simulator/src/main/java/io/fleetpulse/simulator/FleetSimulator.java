package io.fleetpulse.simulator;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A fleet of simulated devices, advanced one second at a time. Device identities, traffic and the
 * devices each failure scenario hits all follow from the seed.
 *
 * <p>Scenarios go to distinct devices outside the first fleet, starting a few seconds apart; the
 * network-wide NTP block hits a third of the first fleet at once, enough devices (at least five, and
 * at least 20 %) for a fleet incident. They start with the fleet, or with {@link Profile#DAY} in the day's
 * last quarter of an hour: a replayed day reaches the present then, so they are detected as they happen.
 */
final class FleetSimulator {

  /** What the fleet pushes after one second: entries and disk samples of the devices that wrote any. */
  record Tick(Map<SimulatedDevice, List<JsonObject>> entries, Map<SimulatedDevice, List<JsonObject>> diskSamples) {}

  private static final String[] FLEET_NAMES = {"harbor", "orchard", "depot", "quarry", "meadow", "summit", "canyon", "delta"};
  private static final int FIRST_SCENARIO_SECOND = 5;
  private static final Duration SCENARIOS_BEFORE_DAY_END = Duration.ofMinutes(15);

  private final List<SimulatedDevice> devices = new ArrayList<>();
  private final Map<SimulatedDevice, Scenario> scenarioOf = new LinkedHashMap<>();
  private final Map<SimulatedDevice, Long> scenarioStart = new LinkedHashMap<>();
  private final Traffic traffic;
  /** Seconds between a device's disk samples: each minute under load, each ten minutes (a df timer's) in a day's life. */
  private final int diskSampleSeconds;
  /** How long after the first tick the scenarios start. */
  private final Duration scenariosAfter;
  private Instant firstTick;

  FleetSimulator(SimulatorSettings settings) {
    SplittableRandom seedRandom = new SplittableRandom(settings.seed());
    for (int i = 0; i < settings.devices(); i++) {
      String fleet = i % settings.fleets() < FLEET_NAMES.length ? FLEET_NAMES[i % settings.fleets()] : "fleet" + (i % settings.fleets());
      SplittableRandom random = seedRandom.split();
      devices.add(new SimulatedDevice(SimulatedDevice.hex(random, 32), fleet, i % 2 == 1, random));
    }
    if (settings.profile() == Profile.DAY) {
      this.traffic = new BenignDay(settings.replayed());
      Duration beforeEnd = settings.replayed().minus(SCENARIOS_BEFORE_DAY_END);
      this.scenariosAfter = beforeEnd.isNegative() ? Duration.ZERO : beforeEnd;
      this.diskSampleSeconds = 600;
    } else {
      this.diskSampleSeconds = 60;
      this.traffic = new HealthyTraffic(settings.entriesPerSecond());
      this.scenariosAfter = Duration.ZERO;
    }
    assignScenarios(settings.scenarios());
  }

  private void assignScenarios(java.util.Set<Scenario> wanted) {
    EnumSet<Scenario> scenarios = wanted.isEmpty() ? EnumSet.noneOf(Scenario.class) : EnumSet.copyOf(wanted);
    String firstFleet = devices.get(0).fleet;
    if (scenarios.remove(Scenario.NTP_BLOCKED)) {
      List<SimulatedDevice> fleet = devices.stream().filter(device -> device.fleet.equals(firstFleet)).toList();
      int third = (int) Math.ceil(fleet.size() / 3.0);
      for (SimulatedDevice device : fleet.subList(0, third)) {
        scenarioOf.put(device, Scenario.NTP_BLOCKED);
        scenarioStart.put(device, (long) FIRST_SCENARIO_SECOND);
      }
    }
    List<SimulatedDevice> others = devices.stream().filter(device -> !device.fleet.equals(firstFleet)).toList();
    long start = FIRST_SCENARIO_SECOND;
    int next = 0;
    for (Scenario scenario : scenarios) {
      if (next >= others.size()) {
        break;
      }
      scenarioOf.put(others.get(next++), scenario);
      scenarioStart.put(others.get(next - 1), start);
      start += 2;
    }
  }

  List<SimulatedDevice> devices() {
    return devices;
  }

  /** Which device replays which scenario. */
  Map<SimulatedDevice, Scenario> scenarios() {
    return scenarioOf;
  }

  /** Advances the fleet by one second of {@code now} and returns what it logged. */
  Tick tick(Instant now) {
    if (firstTick == null) {
      firstTick = now;
    }
    long elapsed = Duration.between(firstTick, now).toSeconds();
    long second = elapsed - scenariosAfter.toSeconds();
    Map<SimulatedDevice, List<JsonObject>> diskSamples = new LinkedHashMap<>();
    Scenario.DiskSink disks = (device, mount, used, at) -> diskSamples.computeIfAbsent(device, d -> new ArrayList<>())
        .add(new JsonObject().put("mount", mount).put("sizeBytes", device.diskSizeBytes).put("usedBytes", used)
            .put("availBytes", device.diskSizeBytes - used).put("at", at.toString()));
    Map<SimulatedDevice, List<JsonObject>> entries = new LinkedHashMap<>();
    for (int index = 0; index < devices.size(); index++) {
      SimulatedDevice device = devices.get(index);
      device.advanceTo(now);
      if (device.isOff(now)) {
        continue;
      }
      traffic.tick(device, now);
      Scenario scenario = scenarioOf.get(device);
      if (scenario != null && second >= scenarioStart.get(device)) {
        scenario.play(device, second - scenarioStart.get(device), now, disks);
      }
      // Each device at its own second: a large fleet's samples do not all arrive at once.
      if ((elapsed + index) % diskSampleSeconds == 0 && !diskSamples.containsKey(device)) {
        disks.sample(device, "/mnt/data", device.diskUsedBytes, now);
      }
      List<JsonObject> written = device.drain();
      if (!written.isEmpty()) {
        entries.put(device, written);
      }
    }
    return new Tick(entries, diskSamples);
  }
}
