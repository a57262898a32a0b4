package io.fleetpulse.streams.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.HealthCheck;
import io.fleetpulse.schemas.Status;
import io.fleetpulse.streams.JournalEntries;
import io.fleetpulse.streams.TopologyHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceHealthTopologyTest {

  private static final String DEVICE = "d00000000000000000000000000000e1";
  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

  @TempDir
  Path stateDir;

  @Test
  void checksGoFromUnknownToOkToFailAndBackWithBalenaStyleMessagesAndHistory() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      Instant quietStart = T0.minusSeconds(600);
      topology.pipe(JournalEntries.service(DEVICE, "balena.service", "balenad", "level=info msg=\"API listen on /var/run/balena.sock\"", quietStart).build());

      DeviceHealth first = last(topology.health());
      assertThat(first.getStatus()).isEqualTo(Status.OK);
      assertThat(check(first, HealthChecks.CONTAINER_ENGINE).getStatus()).isEqualTo(Status.OK);
      assertThat(check(first, HealthChecks.TIMESYNC).getStatus()).as("no chrony data yet").isEqualTo(Status.UNKNOWN);
      assertThat(first.getChecks()).extracting(HealthCheck::getName).containsExactlyElementsOf(HealthChecks.ALL);

      Instant kill1 = T0.minusSeconds(300);
      Instant kill2 = T0.minusSeconds(120);
      topology.pipe(JournalEntries.systemd(DEVICE, "balena.service", "balena.service: Main process exited, code=killed, status=9/KILL", kill1).build());
      topology.pipe(JournalEntries.systemd(DEVICE, "balena.service", "balena.service: Main process exited, code=killed, status=9/KILL", kill2).build());

      DeviceHealth failing = last(topology.health());
      assertThat(failing.getStatus()).isEqualTo(Status.FAIL);
      assertThat(check(failing, HealthChecks.CONTAINER_ENGINE)).satisfies(c -> {
        assertThat(c.getStatus()).isEqualTo(Status.FAIL);
        assertThat(c.getMessage()).isEqualTo("Container engine balena has 2 unclean restarts and may be crashlooping");
        assertThat(c.getSince()).isEqualTo(kill2);
      });

      KeyValueStore<String, DeviceHealth> current = topology.driver.getKeyValueStore(DeviceHealthStores.CURRENT);
      assertThat(current.get(DEVICE).getStatus()).isEqualTo(Status.FAIL);
      KeyValueStore<String, Long> counts = topology.driver.getKeyValueStore(HealthCounts.STORE);
      assertThat(counts.get(HealthCounts.TOTAL)).isEqualTo(1);
      assertThat(counts.get(HealthCounts.STATUS + "FAIL")).isEqualTo(1);
      assertThat(counts.get(HealthCounts.STATUS + "OK")).as("moved from OK to FAIL").isNull();
      assertThat(counts.get(HealthCounts.FAILING + HealthChecks.CONTAINER_ENGINE)).isEqualTo(1);
      KeyValueStore<String, String> statuses = topology.driver.getKeyValueStore(DeviceStatusIndex.STORE);
      assertThat(statuses.get(DeviceStatusIndex.key(Status.FAIL, DEVICE))).as("indexed under its status").isNotNull();
      assertThat(statuses.get(DeviceStatusIndex.key(Status.OK, DEVICE))).as("and only there").isNull();

      topology.advanceWallClock(Duration.ofMinutes(16));
      DeviceHealth recovered = last(topology.health());
      assertThat(recovered.getStatus()).isEqualTo(Status.OK);
      assertThat(check(recovered, HealthChecks.CONTAINER_ENGINE).getMessage()).isEqualTo("Container engine balena is running without unclean restarts");
      assertThat(counts.get(HealthCounts.STATUS + "OK")).isEqualTo(1);
      assertThat(counts.get(HealthCounts.STATUS + "FAIL")).isNull();
      assertThat(counts.get(HealthCounts.FAILING + HealthChecks.CONTAINER_ENGINE)).isNull();
      assertThat(counts.get(HealthCounts.TOTAL)).isEqualTo(1);
      assertThat(statuses.get(DeviceStatusIndex.key(Status.OK, DEVICE))).isNotNull();
      assertThat(statuses.get(DeviceStatusIndex.key(Status.FAIL, DEVICE))).isNull();

      VersionedKeyValueStore<String, DeviceHealth> history = topology.driver.getVersionedKeyValueStore(DeviceHealthStores.HISTORY);
      VersionedRecord<DeviceHealth> duringTheLoop = history.get(DEVICE, kill2.plusSeconds(60).toEpochMilli());
      assertThat(duringTheLoop.value().getStatus()).isEqualTo(Status.FAIL);
      VersionedRecord<DeviceHealth> before = history.get(DEVICE, kill1.toEpochMilli());
      assertThat(before.value().getStatus()).isEqualTo(Status.OK);
    }
  }

  @Test
  void aBusyDevicesLastSeenIsWrittenOnceARoundAndANewlyReportingCheckAtOnce() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      String line = "level=info msg=\"API listen on /var/run/balena.sock\"";
      topology.pipe(JournalEntries.service(DEVICE, "balena.service", "balenad", line, T0).build());
      topology.pipe(JournalEntries.service(DEVICE, "balena.service", "balenad", line, T0.plusSeconds(10)).build());
      topology.pipe(JournalEntries.service(DEVICE, "balena.service", "balenad", line, T0.plusSeconds(59)).build());
      assertThat(topology.health()).hasSize(1).first().satisfies(h -> assertThat(h.getLastSeen()).isEqualTo(T0));

      topology.advanceWallClock(HealthBook.LAST_SEEN_ROUND);
      assertThat(topology.health()).as("moved on by less than a minute: not worth a write").isEmpty();

      topology.pipe(JournalEntries.service(DEVICE, "balena.service", "balenad", line, T0.plusSeconds(80)).build());
      topology.pipe(JournalEntries.service(DEVICE, "balena.service", "balenad", line, T0.plusSeconds(70)).build());
      assertThat(topology.health()).as("noted, written by the next round").isEmpty();
      topology.advanceWallClock(HealthBook.LAST_SEEN_ROUND);
      List<DeviceHealth> refreshed = topology.health();
      assertThat(refreshed).hasSize(1);
      assertThat(refreshed.get(0).getLastSeen()).as("the newest time seen, not the last piped").isEqualTo(T0.plusSeconds(80));
      assertThat(check(refreshed.get(0), HealthChecks.CONTAINER_ENGINE).getSince()).isEqualTo(T0);
      KeyValueStore<String, DeviceHealth> current = topology.driver.getKeyValueStore(DeviceHealthStores.CURRENT);
      assertThat(current.get(DEVICE).getLastSeen()).isEqualTo(T0.plusSeconds(80));
      VersionedKeyValueStore<String, DeviceHealth> history = topology.driver.getVersionedKeyValueStore(DeviceHealthStores.HISTORY);
      assertThat(history.get(DEVICE).timestamp()).as("lastSeen alone is not a new version").isEqualTo(T0.toEpochMilli());

      topology.pipe(JournalEntries.service(DEVICE, "chronyd.service", "chronyd", "Selected source 85.199.214.100", T0.plusSeconds(95)).build());
      DeviceHealth timesync = last(topology.health());
      assertThat(check(timesync, HealthChecks.TIMESYNC).getStatus()).isEqualTo(Status.OK);
      assertThat(timesync.getLastSeen()).isEqualTo(T0.plusSeconds(95));
      assertThat(history.get(DEVICE).timestamp()).isEqualTo(T0.plusSeconds(95).toEpochMilli());
    }
  }

  @Test
  void aWarningMakesItsCheckWarnAndTheDeviceWarn() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      topology.pipe(JournalEntries.kernel(DEVICE, "Under-voltage detected! (0x00050005)", T0.minusSeconds(30)).build());
      DeviceHealth health = last(topology.health());
      assertThat(health.getStatus()).isEqualTo(Status.WARN);
      assertThat(check(health, HealthChecks.UNDER_VOLTAGE).getMessage())
          .isEqualTo("1 under-voltage events detected, check/change the power supply ASAP");
      assertThat(check(health, HealthChecks.STORAGE_MEDIA).getStatus()).isEqualTo(Status.OK);
      assertThat(check(health, HealthChecks.NETWORKING).getStatus()).isEqualTo(Status.UNKNOWN);
    }
  }

  private static DeviceHealth last(List<DeviceHealth> records) {
    assertThat(records).isNotEmpty();
    return records.get(records.size() - 1);
  }

  private static HealthCheck check(DeviceHealth health, String name) {
    return health.getChecks().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }
}
