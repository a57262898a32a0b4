package io.fleetpulse.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FleetSimulatorTest {

  private static final Instant START = Instant.parse("2026-11-27T12:00:00Z");

  @Test
  void theSameSeedReplaysTheSameFleetEntryForEntry() {
    assertThat(run(42, 120)).isEqualTo(run(42, 120));
    assertThat(run(42, 30)).isNotEqualTo(run(43, 30));
  }

  @Test
  void everyScenarioGoesToItsOwnDeviceAndTheNtpBlockHitsAThirdOfTheFirstFleet() {
    FleetSimulator fleet = new FleetSimulator(new SimulatorSettings(50, 3, 2, 7, EnumSet.allOf(Scenario.class)));
    Map<Scenario, Long> devicesPerScenario = fleet.scenarios().values().stream()
        .collect(Collectors.groupingBy(scenario -> scenario, Collectors.counting()));

    assertThat(devicesPerScenario.keySet()).containsExactlyInAnyOrder(Scenario.values());
    long harbor = fleet.devices().stream().filter(device -> device.fleet.equals("harbor")).count();
    assertThat(devicesPerScenario.get(Scenario.NTP_BLOCKED)).isGreaterThanOrEqualTo(5).isEqualTo((long) Math.ceil(harbor / 3.0));
    assertThat(fleet.scenarios().entrySet()).filteredOn(entry -> entry.getValue() == Scenario.NTP_BLOCKED)
        .allMatch(entry -> entry.getKey().fleet.equals("harbor"));
    assertThat(fleet.scenarios().entrySet()).filteredOn(entry -> entry.getValue() != Scenario.NTP_BLOCKED)
        .noneMatch(entry -> entry.getKey().fleet.equals("harbor"));
  }

  /**
   * A simulator that falls behind ticks late, then several times at once to catch up. Its healthy devices'
   * wall clocks must still move with their monotonic clocks: a gap between the two is what fleetpulse
   * reports as a clock step (at 10,000 devices the old simulator made 9,998 of them "jump").
   */
  @Test
  void lateAndBunchedTicksKeepEachDevicesClocksTogether() {
    FleetSimulator fleet = new FleetSimulator(new SimulatorSettings(30, 2, 20, 5, EnumSet.noneOf(Scenario.class)));
    List<JsonObject> all = new ArrayList<>();
    Instant now = START;
    for (long stepMillis : new long[] {1_000, 1_000, 13_000, 5, 5, 5, 5, 1_000, 40_000, 1, 1, 1, 1_000}) {
      now = now.plusMillis(stepMillis);
      fleet.tick(now).entries().values().forEach(all::addAll);
    }
    Map<String, List<Long>> wallMinusMonotonic = all.stream().collect(Collectors.groupingBy(entry -> entry.getString("_MACHINE_ID"),
        Collectors.mapping(entry -> Long.parseLong(entry.getString("__REALTIME_TIMESTAMP"))
            - Long.parseLong(entry.getString("__MONOTONIC_TIMESTAMP")), Collectors.toList())));
    assertThat(wallMinusMonotonic).hasSize(30);
    assertThat(wallMinusMonotonic.values()).allSatisfy(offsets -> assertThat(offsets).containsOnly(offsets.get(0)));
    Instant last = now;
    assertThat(all).allSatisfy(entry -> assertThat(Long.parseLong(entry.getString("__REALTIME_TIMESTAMP")))
        .as("never ahead of the true time by more than the entries' spacing")
        .isLessThan((last.toEpochMilli() + 1_000) * 1_000));
  }

  @Test
  void scenariosWriteTheMasterclassLinesWithConsistentJournalFields() {
    FleetSimulator fleet = new FleetSimulator(new SimulatorSettings(20, 2, 1, 3, EnumSet.of(Scenario.ENGINE_SIGKILL, Scenario.CLOCK_2017)));
    List<JsonObject> all = new ArrayList<>();
    for (int second = 0; second < 60; second++) {
      fleet.tick(START.plusSeconds(second)).entries().values().forEach(all::addAll);
    }
    assertThat(all).filteredOn(entry -> entry.getString("MESSAGE").equals("balena.service: Main process exited, code=killed, status=9/KILL"))
        .hasSize(2)
        .allSatisfy(entry -> {
          assertThat(entry.getString("SYSLOG_IDENTIFIER")).isEqualTo("systemd");
          assertThat(entry.getString("UNIT")).isEqualTo("balena.service");
          assertThat(entry.getString("_SYSTEMD_UNIT")).isEqualTo("init.scope");
        });
    // The clock-2017 device writes with its wall clock in 2017 while its monotonic clock runs on.
    assertThat(all).filteredOn(entry -> entry.getString("MESSAGE").contains("certificate is not yet valid"))
        .isNotEmpty()
        .allSatisfy(entry -> assertThat(Long.parseLong(entry.getString("__REALTIME_TIMESTAMP")))
            .isLessThan(Instant.parse("2018-01-01T00:00:00Z").toEpochMilli() * 1000));
    Map<String, List<Long>> seqnumsByDevice = all.stream().collect(Collectors.groupingBy(entry -> entry.getString("_MACHINE_ID"),
        Collectors.mapping(entry -> Long.parseLong(entry.getString("__SEQNUM")), Collectors.toList())));
    assertThat(seqnumsByDevice.values()).allSatisfy(seqnums -> assertThat(seqnums).isSorted().doesNotHaveDuplicates());
  }

  /**
   * The day profile: each device's day of benign life (issue 30), its journal self-consistent through a reboot without
   * a real-time clock: one new boot, its wall clock behind until chrony steps it forward 25 s after boot, the only
   * place the wall clock leaves the monotonic one.
   */
  @Test
  void aBenignDayRebootsEachDeviceOnceAndItsClockStepsOnlyAtBoot() {
    FleetSimulator fleet = new FleetSimulator(new SimulatorSettings(6, 2, 0, 11, EnumSet.noneOf(Scenario.class), Profile.DAY,
        Duration.ofHours(24), 1));
    Map<String, List<JsonObject>> byDevice = new HashMap<>();
    int diskSamples = 0;
    for (int second = 0; second < 24 * 3600; second++) {
      Instant now = START.plusSeconds(second);
      FleetSimulator.Tick tick = fleet.tick(now);
      tick.entries().forEach((device, entries) -> byDevice.computeIfAbsent(device.uuid, uuid -> new ArrayList<>()).addAll(entries));
      diskSamples += tick.diskSamples().values().stream().mapToInt(List::size).sum();
      for (List<JsonObject> entries : tick.entries().values()) {
        assertThat(entries).allSatisfy(entry -> assertThat(Long.parseLong(entry.getString("__REALTIME_TIMESTAMP")))
            .as("never ahead of the true time").isLessThan((now.toEpochMilli() + 1_000) * 1_000));
      }
    }
    assertThat(byDevice).hasSize(6);
    assertThat(diskSamples).as("a sample each 10 minutes, none while off").isBetween(6 * (24 * 6 - 1), 6 * 24 * 6);
    byDevice.forEach((uuid, entries) -> {
      assertThat(entries).as("lines a day").hasSizeBetween(800, 1000);
      List<String> boots = entries.stream().map(entry -> entry.getString("_BOOT_ID")).distinct().toList();
      assertThat(boots).as("one reboot").hasSize(2);
      assertThat(entries.stream().filter(entry -> entry.getString("_BOOT_ID").equals(boots.get(0)))
          .map(entry -> realtime(entry) - monotonic(entry)).distinct()).as("the first boot's clocks move together").hasSize(1);
      List<JsonObject> second = entries.stream().filter(entry -> entry.getString("_BOOT_ID").equals(boots.get(1))).toList();
      List<Long> offsets = second.stream().map(entry -> realtime(entry) - monotonic(entry)).distinct().toList();
      assertThat(offsets).as("one step forward after boot").hasSize(2);
      long stepMicros = offsets.get(1) - offsets.get(0);
      assertThat(stepMicros).isBetween(5 * 60_000_000L, 56 * 60_000_000L);
      JsonObject stepped = second.stream().filter(entry -> entry.getString("MESSAGE").startsWith("System clock was stepped by")).findFirst().orElseThrow();
      assertThat(monotonic(stepped)).as("chrony steps it 25 s after boot").isBetween(25_000_000L, 27_000_000L);
      assertThat(stepped.getString("MESSAGE")).contains(String.format(Locale.ROOT, "%.3f", stepMicros / 1e6).substring(0, 5));
      assertThat(entries).filteredOn(entry -> entry.getString("MESSAGE").contains("--ping-restart")).hasSize(4);
      assertThat(entries).filteredOn(entry -> entry.getString("MESSAGE").contains("EAI_AGAIN")).hasSize(1);
      assertThat(entries).filteredOn(entry -> entry.getString("MESSAGE").contains("Event: Service started")).hasSize(1);
      assertThat(entries.stream().map(entry -> Long.parseLong(entry.getString("__SEQNUM"))).toList()).isSorted().doesNotHaveDuplicates();
    });
  }

  private static long realtime(JsonObject entry) {
    return Long.parseLong(entry.getString("__REALTIME_TIMESTAMP"));
  }

  private static long monotonic(JsonObject entry) {
    return Long.parseLong(entry.getString("__MONOTONIC_TIMESTAMP"));
  }

  private static List<String> run(long seed, int seconds) {
    FleetSimulator fleet = new FleetSimulator(new SimulatorSettings(10, 2, 3, seed, EnumSet.allOf(Scenario.class)));
    List<String> out = new ArrayList<>();
    for (int second = 0; second < seconds; second++) {
      FleetSimulator.Tick tick = fleet.tick(START.plusSeconds(second));
      tick.entries().forEach((device, entries) -> entries.forEach(entry -> out.add(device.uuid + " " + entry.encode())));
      tick.diskSamples().forEach((device, samples) -> samples.forEach(sample -> out.add(device.uuid + " " + sample.encode())));
    }
    return out;
  }
}
