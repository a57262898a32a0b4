package io.fleetpulse.streams.boots;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.collector.journal.MalformedEntryException;
import io.fleetpulse.kafka.JournalFixtures;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.HealthCheck;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Severity;
import io.fleetpulse.schemas.Status;
import io.fleetpulse.streams.CollectedEntries;
import io.fleetpulse.streams.TopologyHarness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Why devices rebooted, judged by the whole topology from the journals in {@code testdata/reboots}: two boots of one
 * device each, the first ending the way its reason says (systemd's own shutdown sequence, a Raspberry Pi's
 * under-voltage lines, a kernel lockup or oops, a host OS update), the second starting as a Pi does.
 */
class RebootsTopologyTest {

  private static final String DEVICE = "dee2945";
  private static final String FIRST_BOOT = "054b9c6810cb216d21980aefe44dc7ef";
  private static final String SECOND_BOOT = "9f1b7c2e5d4a4c0e8b3f6a1d2c7e9b40";

  @TempDir
  Path stateDir;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "clean.ndjson, clean, System is rebooting.",
      "power-loss.ndjson, power-loss, ",
      "under-voltage.ndjson, under-voltage, ",
      "watchdog.ndjson, watchdog, watchdog: BUG: soft lockup - CPU#2 stuck for 23s! [kworker/2:1:1123]",
      "kernel-panic.ndjson, kernel-panic, Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008",
      "os-update.ndjson, os-update, Installing new hostapp",
      "os-rollback.ndjson, os-update, 'Rollback: new OS failed to boot, falling back to the previous OS'",
  })
  void eachRebootIsOneEventWithItsReasonThePreviousBootAndItsUptime(String fixture, String reason, String line) {
    List<JournalEntry> entries = fixture(fixture);
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      List<DeviceEvent> reboots = reboots(harness.pipe(entries).events());

      assertThat(reboots).hasSize(1);
      DeviceEvent reboot = reboots.get(0);
      assertThat(reboot.getDetails()).containsEntry("reason", reason).containsEntry("previousBoot", FIRST_BOOT)
          .containsEntry("uptime", Long.toString(lastMonotonicSeconds(entries, FIRST_BOOT)));
      assertThat(reboot.getDetails().get("line")).isEqualTo(line);
      assertThat(reboot.getBootId()).isEqualTo(SECOND_BOOT);
      assertThat(reboot.getDeviceUuid()).isEqualTo(DEVICE);
      assertThat(reboot.getFleet()).isEqualTo("harbor");
      // The boot began when its first line was written less its monotonic time: 1.2 s before "Booting Linux".
      JournalEntry booting = entries.stream().filter(e -> SECOND_BOOT.equals(e.getBootId())).findFirst().orElseThrow();
      assertThat(reboot.getAt()).isEqualTo(Instant.ofEpochMilli(booting.getRealtimeUs() / 1000 - booting.getMonotonicUs() / 1000));
      assertThat(reboot.getDetails().containsKey("rollback")).isEqualTo(fixture.equals("os-rollback.ndjson"));
    }
  }

  @Test
  void theShutdownSequenceArrivingAfterTheNewBootsFirstLinesStillMakesItClean() {
    // With each unit on a topic of its own, the kernel's new boot can be read before systemd's last lines of the old one.
    List<JournalEntry> entries = fixture("clean.ndjson");
    List<JournalEntry> reordered = new ArrayList<>();
    List<JournalEntry> ending = new ArrayList<>();
    for (JournalEntry entry : entries) {
      boolean firstBootEnding = FIRST_BOOT.equals(entry.getBootId()) && entry.getMonotonicUs() > 71_000_000L;
      (firstBootEnding ? ending : reordered).add(entry);
    }
    int newBootStarts = indexOfBoot(reordered, SECOND_BOOT);
    reordered.addAll(newBootStarts + 2, ending);
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      List<DeviceEvent> reboots = reboots(harness.pipe(reordered).events());

      assertThat(reboots).singleElement().satisfies(r -> assertThat(r.getDetails()).containsEntry("reason", "clean"));
    }
  }

  @Test
  void aDeviceThatFallsQuietJustAfterBootingIsJudgedByTheClock() {
    List<JournalEntry> entries = fixture("clean.ndjson");
    List<JournalEntry> untilBooting = entries.subList(0, indexOfBoot(entries, SECOND_BOOT) + 1);
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      assertThat(reboots(harness.pipe(untilBooting).events())).isEmpty();
      assertThat(reboots(harness.advanceWallClock(Duration.ofSeconds(60)).events())).isEmpty();

      List<DeviceEvent> reboots = reboots(harness.advanceWallClock(BootWatch.SETTLE).events());

      assertThat(reboots).singleElement().satisfies(r -> assertThat(r.getDetails()).containsEntry("reason", "clean"));
      assertThat(reboots(harness.advanceWallClock(BootWatch.SETTLE).events())).isEmpty();
    }
  }

  @Test
  void theFirstBootSeenLinesResentAndLateLinesOfAJudgedBootMakeNoReboot() {
    List<JournalEntry> entries = fixture("power-loss.ndjson");
    List<JournalEntry> firstBoot = entries.subList(0, indexOfBoot(entries, SECOND_BOOT));
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      assertThat(reboots(harness.pipe(firstBoot).events())).as("a device's first boot seen is no reboot").isEmpty();
      assertThat(reboots(harness.pipe(entries).events())).hasSize(1);

      JournalEntry late = JournalEntry.newBuilder(firstBoot.get(firstBoot.size() - 1)).setSeqnum(5000L).setMessage("a late line").build();
      assertThat(reboots(harness.pipe(late).advanceWallClock(BootWatch.SETTLE.multipliedBy(2)).events())).isEmpty();
    }
  }

  @Test
  void aThirdBootBeforeTheSecondSettledJudgesTheSecondAtOnce() {
    List<JournalEntry> entries = fixture("power-loss.ndjson");
    List<JournalEntry> untilBooting = entries.subList(0, indexOfBoot(entries, SECOND_BOOT) + 1);
    JournalEntry booting = untilBooting.get(untilBooting.size() - 1);
    JournalEntry thirdBoot = JournalEntry.newBuilder(booting).setBootId("0c2d1e4f5a6b7c8d9e0f1a2b3c4d5e6f")
        .setRealtimeUs(booting.getRealtimeUs() + 60_000_000L).setSeqnum(booting.getSeqnum() + 1)
        .setReceivedAt(booting.getReceivedAt().plusSeconds(60)).build();
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      List<DeviceEvent> reboots = reboots(harness.pipe(untilBooting).pipe(thirdBoot).events());

      assertThat(reboots).hasSize(1);
      assertThat(reboots.get(0).getBootId()).isEqualTo(SECOND_BOOT);
      assertThat(reboots.get(0).getDetails()).containsEntry("reason", "power-loss");
      List<DeviceEvent> third = reboots(harness.advanceWallClock(BootWatch.SETTLE).events());
      assertThat(third).singleElement().satisfies(r -> {
        assertThat(r.getBootId()).isEqualTo("0c2d1e4f5a6b7c8d9e0f1a2b3c4d5e6f");
        assertThat(r.getDetails()).containsEntry("previousBoot", SECOND_BOOT).containsEntry("uptime", "1");
      });
    }
  }

  @Test
  void aPreviousBootThatWentQuietLongBeforeTheRebootEndedUnseen() {
    List<JournalEntry> entries = fixture("power-loss.ndjson");
    List<JournalEntry> later = new ArrayList<>();
    for (JournalEntry entry : entries) {
      boolean second = SECOND_BOOT.equals(entry.getBootId());
      long shiftUs = second ? Duration.ofHours(3).toNanos() / 1000 : 0;
      later.add(JournalEntry.newBuilder(entry).setRealtimeUs(entry.getRealtimeUs() + shiftUs)
          .setReceivedAt(entry.getReceivedAt().plusMillis(shiftUs / 1000)).build());
    }
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      assertThat(reboots(harness.pipe(later).events())).singleElement()
          .satisfies(r -> assertThat(r.getDetails()).containsEntry("reason", "unknown"));
    }
  }

  @Test
  void anOsRollbackFailsCheckOsRollbackAsBalenasDiagnosticsWouldAndAPlainUpdateDoesNot() {
    try (TopologyHarness harness = new TopologyHarness(stateDir)) {
      harness.pipe(fixture("os-update.ndjson"));
      assertThat(harness.alerts()).noneMatch(alert -> alert.getKind() == AlertKind.OS_ROLLBACK);
    }
    try (TopologyHarness harness = new TopologyHarness(stateDir.resolve("rolled-back"))) {
      harness.pipe(fixture("os-rollback.ndjson"));

      assertThat(harness.alerts()).filteredOn(alert -> alert.getKind() == AlertKind.OS_ROLLBACK).singleElement().satisfies(alert -> {
        assertThat(alert.getSeverity()).isEqualTo(Severity.critical);
        assertThat(alert.getSummary()).startsWith("OS rollback detected").contains("falling back to the previous OS");
      });
      List<DeviceHealth> health = harness.health();
      HealthCheck check = health.get(health.size() - 1).getChecks().stream().filter(c -> c.getName().equals("check_os_rollback"))
          .findFirst().orElseThrow();
      assertThat(check.getStatus()).isEqualTo(Status.FAIL);
    }
  }

  /** A reboot fixture as the collector writes it: each line received a quarter second after the device wrote it. */
  static List<JournalEntry> fixture(String name) {
    List<JournalEntry> entries = new ArrayList<>();
    try {
      for (String line : Files.readString(JournalFixtures.dir().resolve("reboots").resolve(name), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          JournalEntry entry = CollectedEntries.pushed(line, DEVICE, "harbor", Instant.EPOCH);
          entries.add(JournalEntry.newBuilder(entry).setReceivedAt(Instant.ofEpochMilli(entry.getRealtimeUs() / 1000 + 250)).build());
        }
      }
    } catch (IOException | MalformedEntryException e) {
      throw new IllegalStateException("reboot fixture " + name + " is unreadable: " + e.getMessage(), e);
    }
    return entries;
  }

  private static List<DeviceEvent> reboots(List<DeviceEvent> events) {
    return events.stream().filter(e -> e.getKind() == EventKind.DEVICE_REBOOT).toList();
  }

  private static int indexOfBoot(List<JournalEntry> entries, String bootId) {
    for (int i = 0; i < entries.size(); i++) {
      if (bootId.equals(entries.get(i).getBootId())) {
        return i;
      }
    }
    throw new IllegalArgumentException("no entry of boot " + bootId);
  }

  private static long lastMonotonicSeconds(List<JournalEntry> entries, String bootId) {
    return entries.stream().filter(e -> bootId.equals(e.getBootId())).mapToLong(JournalEntry::getMonotonicUs).max().orElseThrow() / 1_000_000;
  }
}
