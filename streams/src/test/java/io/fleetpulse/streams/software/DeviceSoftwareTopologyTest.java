package io.fleetpulse.streams.software;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.DeviceFacts;
import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.Software;
import io.fleetpulse.schemas.Status;
import io.fleetpulse.streams.JournalEntries;
import io.fleetpulse.streams.TopologyHarness;
import io.fleetpulse.streams.health.DeviceHealthStores;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A device's software in its health: from pushed facts, and from its supervisor's start line; every change kept. */
class DeviceSoftwareTopologyTest {

  private static final String DEVICE = "a0000000000000000000000000000001";
  private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");

  @TempDir
  Path stateDir;

  @Test
  void factsAreMergedAsTheyComeAndEveryChangeIsAVersionOfTheHealthHistory() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      topology.pipe(facts(T0, "balenaOS 2.115.1+rev1", null, "9d81e07", "raspberrypi4-64"));
      Software first = last(topology.health()).getSoftware();
      assertThat(first).isEqualTo(new Software("balenaOS 2.115.1+rev1", null, "9d81e07", "raspberrypi4-64", T0));

      // The supervisor says its version when it starts; the rest is kept.
      topology.pipe(JournalEntries.service(DEVICE, "balena-supervisor.service", "balena-supervisor",
          "[info]    Supervisor v14.11.2 starting up...", T0.plusSeconds(60)).build());
      Software withSupervisor = last(topology.health()).getSoftware();
      assertThat(withSupervisor.getSupervisor()).isEqualTo("14.11.2");
      assertThat(withSupervisor.getRelease()).isEqualTo("9d81e07");
      assertThat(withSupervisor.getOs()).isEqualTo("balenaOS 2.115.1+rev1");

      topology.pipe(facts(T0.plusSeconds(120), null, "14.11.2", "9d81e07", null));
      assertThat(topology.health()).as("the same facts again change nothing").isEmpty();

      Instant moved = T0.plusSeconds(3600);
      topology.pipe(facts(moved, null, null, "3f2a1c0", null));
      DeviceHealth now = last(topology.health());
      assertThat(now.getSoftware()).isEqualTo(new Software("balenaOS 2.115.1+rev1", "14.11.2", "3f2a1c0", "raspberrypi4-64", moved));

      topology.pipe(facts(T0.plusSeconds(1800), null, null, "0000000", null));
      assertThat(topology.health()).as("facts older than what is known are not news").isEmpty();

      VersionedKeyValueStore<String, DeviceHealth> history = topology.driver.getVersionedKeyValueStore(DeviceHealthStores.HISTORY);
      assertThat(history.get(DEVICE, moved.minusSeconds(1).toEpochMilli()).value().getSoftware().getRelease()).isEqualTo("9d81e07");
      assertThat(history.get(DEVICE, moved.toEpochMilli()).value().getSoftware().getRelease()).isEqualTo("3f2a1c0");
    }
  }

  @Test
  void aDeviceThatOnlyReportedFactsHasSoftwareButNoJudgementYet() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      DeviceHealth health = last(topology.pipe(facts(T0, null, null, "3f2a1c0", null)).health());

      assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
      assertThat(health.getLastSeen()).isNull();
      assertThat(health.getSoftware().getRelease()).isEqualTo("3f2a1c0");
    }
  }

  @Test
  void onlyTheSupervisorsOwnStartLineCounts() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      topology.pipe(JournalEntries.service(DEVICE, "myapp.service", "myapp", "Supervisor v1.0.0 starting up...", T0).build());
      topology.pipe(JournalEntries.service(DEVICE, "resin-supervisor.service", "resin-supervisor",
          "Supervisor v11.4.10 starting up...", T0.plusSeconds(5)).build());

      assertThat(last(topology.health()).getSoftware().getSupervisor()).isEqualTo("11.4.10");
    }
  }

  private static DeviceFacts facts(Instant at, String os, String supervisor, String release, String deviceType) {
    return DeviceFacts.newBuilder().setDeviceUuid(DEVICE).setFleet("harbor").setOs(os).setSupervisor(supervisor).setRelease(release)
        .setDeviceType(deviceType).setSource("push").setAt(at).build();
  }

  private static DeviceHealth last(List<DeviceHealth> health) {
    assertThat(health).isNotEmpty();
    return health.get(health.size() - 1);
  }
}
