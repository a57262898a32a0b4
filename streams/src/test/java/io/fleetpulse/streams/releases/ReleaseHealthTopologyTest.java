package io.fleetpulse.streams.releases;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.DeviceFacts;
import io.fleetpulse.streams.JournalEntries;
import io.fleetpulse.streams.TopologyHarness;
import io.fleetpulse.streams.health.HealthBook;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health by release through the whole topology: devices report their release, log a day of journal, and the engine
 * of the devices on the new release restarts all day. The new release is flagged, with numbers; in a fleet whose two
 * releases restart alike, nothing is.
 */
class ReleaseHealthTopologyTest {

  private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");
  private static final String OLD = "9d81e07";
  private static final String NEW = "3f2a1c0";

  @TempDir
  Path stateDir;

  @Test
  void aReleaseThatRestartsTheEngineAllDayIsFlaggedAndAnEqualOneIsNot() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      List<String> regressing = devices("c1", 12);
      List<String> steady = devices("c2", 12);
      for (int i = 0; i < 12; i++) {
        boolean onNew = i >= 6;
        // The new release reaches the fleet an hour after the old one was first seen.
        topology.pipe(facts(regressing.get(i), "rollout", onNew ? NEW : OLD, onNew ? T0.plusSeconds(3600) : T0));
        topology.pipe(facts(steady.get(i), "steady", onNew ? NEW : OLD, onNew ? T0.plusSeconds(3600) : T0));
      }
      for (int hour = 1; hour <= 24; hour++) {
        Instant at = T0.plusSeconds(3600L * hour);
        for (int i = 0; i < 12; i++) {
          boolean onNew = i >= 6;
          topology.pipe(line(regressing.get(i), "rollout", at));
          topology.pipe(line(steady.get(i), "steady", at));
          if (onNew && hour % 2 == 0) {
            topology.pipe(restart(regressing.get(i), "rollout", at.plusSeconds(60)));
          }
          if (hour % 8 == i % 8) {
            topology.pipe(restart(steady.get(i), "steady", at.plusSeconds(60)));
          }
        }
        topology.advanceWallClock(HealthBook.LAST_SEEN_ROUND);
      }
      topology.advanceWallClock(Duration.ofMinutes(1));

      KeyValueStore<String, ReleaseRow> reports = topology.driver.getKeyValueStore(ReleaseStores.REPORTS);
      ReleaseRow flagged = reports.get("rollout|" + NEW);
      assertThat(flagged.devices()).isEqualTo(6);
      assertThat(flagged.previous()).isEqualTo(OLD);
      assertThat(flagged.deviceDays()).as("6 devices seen for about 23 hours each").isBetween(5.0, 6.0);
      assertThat(flagged.events().get("UNIT_RESTART")).isEqualTo(72);
      assertThat(flagged.regression()).contains("UNIT_RESTART");
      assertThat(reports.get("rollout|" + OLD).regression()).isEmpty();
      ReleaseRow equal = reports.get("steady|" + NEW);
      assertThat(equal.vsPrevious()).containsKey("UNIT_RESTART");
      assertThat(equal.regression()).as("an equal release is not worse").isEmpty();

      List<Alert> regressions = new ArrayList<>(topology.alerts().stream().filter(a -> a.getKind() == AlertKind.RELEASE_REGRESSION).toList());
      assertThat(regressions).singleElement().satisfies(alert -> {
        assertThat(alert.getFleet()).isEqualTo("rollout");
        assertThat(alert.getSubject()).isEqualTo(NEW);
        assertThat(alert.getDeviceUuid()).isNull();
        assertThat(alert.getState()).isEqualTo(AlertState.FIRING);
        assertThat(alert.getSummary()).startsWith("release " + NEW + ": ").contains("on 6 of 6 devices").contains("on " + OLD)
            .contains("p < 0.001");
      });
    }
  }

  private static List<String> devices(String prefix, int count) {
    List<String> devices = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      devices.add(String.format("%s%030d", prefix, i));
    }
    return devices;
  }

  private static DeviceFacts facts(String device, String fleet, String release, Instant at) {
    return DeviceFacts.newBuilder().setDeviceUuid(device).setFleet(fleet).setRelease(release).setSource("push").setAt(at).build();
  }

  private static io.fleetpulse.schemas.JournalEntry line(String device, String fleet, Instant at) {
    return JournalEntries.service(device, "chronyd.service", "chronyd", "Selected source 85.199.214.100", at).setFleet(fleet).build();
  }

  private static io.fleetpulse.schemas.JournalEntry restart(String device, String fleet, Instant at) {
    return JournalEntries.systemd(device, "balena.service", "balena.service: Main process exited, code=killed, status=9/KILL", at)
        .setFleet(fleet).build();
  }
}
