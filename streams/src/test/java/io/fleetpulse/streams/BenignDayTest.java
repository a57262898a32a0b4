package io.fleetpulse.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.collector.journal.MalformedEntryException;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.DiskSample;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Status;
import io.fleetpulse.simulator.RecordedFleet;
import io.fleetpulse.streams.extract.BootSync;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 30: a day of a healthy fleet's life (the simulator's day profile, {@link RecordedFleet#benignDay}: RTC-less
 * reboots, release updates, DHCP renewals and a link flap, VPN ping-restarts, chrony, journald rotations, benign kernel
 * lines, one DNS and one TLS blip per device, a disk growing slowly), each line as the collector parses what the
 * device pushed, through the whole topology with the wall clock moving along: no alert, no device WARN or FAIL. The
 * same day with a crash loop mixed in finds exactly that.
 */
class BenignDayTest {

  /** 10 in the suite (a minute); -Dbenign.devices=200 for the 200 device-days of docs/benchmarks.md. */
  private static final int DEVICES = Integer.getInteger("benign.devices", 10);
  /** The harness's wall clock starts here. */
  private static final Instant START = Instant.parse("2026-11-27T10:00:00Z");

  @TempDir
  Path stateDir;

  record Outcome(List<Alert> alerts, List<DeviceEvent> events, Map<String, DeviceHealth> health) {}

  /** What a device pushed, as the streams receive it: an entry or a disk sample. */
  private record Pushed(Instant at, JournalEntry entry, DiskSample disk) {}

  @Test
  void aDayOfBenignFleetLifeRaisesNoAlertAndLeavesEveryDeviceHealthy() {
    Outcome day = live(benignDay(), List.of());

    assertThat(day.alerts()).as("alerts over %d device-days of benign life", DEVICES).isEmpty();
    assertThat(day.health()).hasSize(DEVICES);
    assertThat(day.health().values()).allSatisfy(health -> assertThat(health.getStatus()).as(health.getDeviceUuid() + ": " + health.getChecks())
        .isIn(Status.OK, Status.UNKNOWN));
    // Not blind: the benign happenings were seen as what they are.
    // Each reboot's step is seen twice, as chrony says it and as the journal's clocks show it, both boot-sync.
    assertThat(day.events()).filteredOn(event -> event.getKind() == EventKind.TIME_JUMP).hasSize(2 * DEVICES)
        .allSatisfy(event -> assertThat(BootSync.isBootSync(event)).as(event.getSummary()).isTrue());
    assertThat(day.events()).filteredOn(event -> event.getKind() == EventKind.DNS_FAILURE).hasSize(DEVICES);
    assertThat(day.events()).filteredOn(event -> event.getKind() == EventKind.VPN_TLS_FAILURE).hasSizeGreaterThanOrEqualTo(DEVICES);
    assertThat(day.events()).filteredOn(event -> event.getKind() == EventKind.VPN_UP).hasSizeGreaterThan(4 * DEVICES);
    assertThat(day.events()).filteredOn(event -> event.getKind() == EventKind.UNIT_RESTART).isNotEmpty();
  }

  @Test
  void theSameDayWithACrashLoopMixedInFindsExactlyThat() {
    List<Pushed> day = benignDay();
    String device = day.get(0).entry() != null ? day.get(0).entry().getDeviceUuid() : day.get(0).disk().getDeviceUuid();
    Instant noon = START.plus(Duration.ofHours(2));
    List<Pushed> crashloop = List.of(kill(device, noon), kill(device, noon.plusSeconds(90)));

    Outcome outcome = live(day, crashloop);

    assertThat(outcome.alerts()).extracting(Alert::getKind, Alert::getDeviceUuid).containsExactly(
        org.assertj.core.groups.Tuple.tuple(AlertKind.CRASHLOOP, device), org.assertj.core.groups.Tuple.tuple(AlertKind.CRASHLOOP, device));
  }

  private static Pushed kill(String device, Instant at) {
    return new Pushed(at.plusSeconds(1), JournalEntries.systemd(device, "balena.service",
        "balena.service: Main process exited, code=killed, status=9/KILL", at).setFleet("harbor").setReceivedAt(at.plusSeconds(1)).build(), null);
  }

  /** The simulator's day, as the collector turns each push into what the streams receive. */
  private static List<Pushed> benignDay() {
    List<Pushed> day = new ArrayList<>();
    for (RecordedFleet.Push push : RecordedFleet.benignDay(DEVICES, START, Duration.ofHours(24), 42)) {
      if (push.entry() != null) {
        try {
          day.add(new Pushed(push.pushedAt(), CollectedEntries.pushed(push.entry().encode(), push.deviceUuid(), push.fleet(), push.pushedAt()), null));
        } catch (MalformedEntryException e) {
          throw new IllegalStateException("the simulator wrote an entry the collector refuses: " + push.entry(), e);
        }
      } else {
        JsonObject sample = push.diskSample();
        day.add(new Pushed(push.pushedAt(), null, DiskSample.newBuilder().setDeviceUuid(push.deviceUuid()).setFleet(push.fleet())
            .setMount(sample.getString("mount")).setSizeBytes(sample.getLong("sizeBytes")).setUsedBytes(sample.getLong("usedBytes"))
            .setAvailBytes(sample.getLong("availBytes")).setAt(Instant.parse(sample.getString("at"))).setReceivedAt(push.pushedAt())
            .setSource("push").build()));
      }
    }
    return day;
  }

  /** The day as it happens: each line piped when the device pushes it, the wall clock moving with it, then 30 quiet minutes. */
  private Outcome live(List<Pushed> day, List<Pushed> extra) {
    List<Pushed> all = new ArrayList<>(day);
    all.addAll(extra);
    all.sort(java.util.Comparator.comparing(Pushed::at));
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      Instant wall = START;
      for (Pushed happening : all) {
        Instant pushed = happening.at();
        if (pushed.isAfter(wall)) {
          topology.advanceWallClock(Duration.between(wall, pushed));
          wall = pushed;
        }
        if (happening.entry() != null) {
          topology.pipe(happening.entry());
        } else {
          topology.pipe(happening.disk());
        }
      }
      topology.advanceWallClock(Duration.ofMinutes(30));
      Map<String, DeviceHealth> latest = new LinkedHashMap<>();
      topology.health().forEach(health -> latest.put(health.getDeviceUuid(), health));
      return new Outcome(topology.alerts(), topology.events(), latest);
    }
  }
}
