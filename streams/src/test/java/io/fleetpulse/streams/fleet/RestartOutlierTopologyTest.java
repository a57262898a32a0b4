package io.fleetpulse.streams.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.HealthCheck;
import io.fleetpulse.schemas.RestartOutlier;
import io.fleetpulse.schemas.Status;
import io.fleetpulse.streams.JournalEntries;
import io.fleetpulse.streams.TopologyHarness;
import io.fleetpulse.streams.health.DeviceHealthStores;
import io.fleetpulse.streams.health.HealthChecks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restart-rate outliers through the whole topology: restarts on {@code fleet.events}, judged by fleet,
 * verdicts back by device on {@code fleet.outliers}, into the device's health. The engine kills are two
 * hours apart, so no CRASHLOOP fires: only the comparison with the fleet sees them.
 */
class RestartOutlierTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  private static final Duration ROUND = Duration.ofSeconds(30);
  private static final String ENGINE_KILL = "balena.service: Main process exited, code=killed, status=9/KILL";

  @TempDir
  Path stateDir;

  @Test
  void theOneDeviceWhoseEngineRestartsEightTimesADayIsWarnedTheOthersAreNot() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      fleetOf(topology, 10);
      engineKills(topology, device(0), 8, T0.minus(Duration.ofHours(16)), Duration.ofHours(2));
      for (int i = 1; i <= 4; i++) {
        engineKills(topology, device(i), 1, T0.minus(Duration.ofHours(3 + i)), Duration.ZERO);
      }
      assertThat(engineCheck(topology, device(0)).getStatus()).as("no crash loop: two hours between kills").isEqualTo(Status.OK);

      topology.advanceWallClock(ROUND);

      // 0 ×5, 1 ×4, 8: median 0.5, MAD 0.5, z = 0.6745 · 7.5 / 0.5 = 10.1
      String message = "Container engine balena restarted uncleanly 8 times in 24 h, far more than this fleet's typical 0–1 (robust z 10.1)";
      assertThat(topology.outlierVerdicts()).singleElement().satisfies(verdict -> {
        assertThat(verdict.getDeviceUuid()).isEqualTo(device(0));
        assertThat(verdict.getOutlier()).isTrue();
        assertThat(verdict.getCheck()).isEqualTo(HealthChecks.CONTAINER_ENGINE);
        assertThat(verdict.getRestarts()).isEqualTo(8);
        assertThat(verdict.getFleetMedian()).isEqualTo(0.5);
        assertThat(verdict.getActiveDevices()).isEqualTo(10);
        assertThat(verdict.getMessage()).isEqualTo(message);
      });
      DeviceHealth health = health(topology, device(0));
      assertThat(health.getStatus()).isEqualTo(Status.WARN);
      assertThat(check(health, HealthChecks.CONTAINER_ENGINE)).satisfies(c -> {
        assertThat(c.getStatus()).isEqualTo(Status.WARN);
        assertThat(c.getMessage()).isEqualTo(message);
      });
      for (int i = 1; i < 10; i++) {
        assertThat(health(topology, device(i)).getStatus()).as("device %d", i).isEqualTo(Status.OK);
      }
      KeyValueStore<String, RestartOutlier> fleetOutliers = topology.driver.getKeyValueStore(FleetStores.OUTLIERS);
      assertThat(fleetOutliers.get("harbor|check_container_engine|" + device(0)).getMessage()).isEqualTo(message);

      topology.advanceWallClock(ROUND);
      assertThat(topology.outlierVerdicts()).as("nothing changed: no second verdict").isEmpty();
    }
  }

  @Test
  void aFleetWhoseDevicesAllRestartAlikeHasNoOutlier() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      fleetOf(topology, 10);
      int[] restarts = {3, 4, 5, 4, 3, 5, 4, 4, 5, 3};
      for (int i = 0; i < restarts.length; i++) {
        engineKills(topology, device(i), restarts[i], T0.minus(Duration.ofHours(20)), Duration.ofHours(3));
      }

      topology.advanceWallClock(ROUND);

      assertThat(topology.outlierVerdicts()).as("median 4, MAD 1: the most anyone scores is 0.7").isEmpty();
      for (int i = 0; i < 10; i++) {
        assertThat(check(health(topology, device(i)), HealthChecks.CONTAINER_ENGINE).getStatus()).isEqualTo(Status.OK);
      }
    }
  }

  @Test
  void aFleetUnderTheDeviceMinimumIsNotJudgedUntilItReachesIt() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      fleetOf(topology, 4);
      engineKills(topology, device(0), 9, T0.minus(Duration.ofHours(18)), Duration.ofHours(2));
      engineKills(topology, device(1), 1, T0.minus(Duration.ofHours(5)), Duration.ZERO);
      engineKills(topology, device(2), 1, T0.minus(Duration.ofHours(4)), Duration.ZERO);

      topology.advanceWallClock(ROUND);
      assertThat(topology.outlierVerdicts()).as("4 active devices, 5 needed").isEmpty();
      assertThat(health(topology, device(0)).getStatus()).isEqualTo(Status.OK);

      signOfLife(topology, device(4), T0.plus(ROUND));
      topology.advanceWallClock(ROUND);
      // 0, 0, 1, 1, 9: median 1, MAD 1, z = 0.6745 · 8 = 5.4
      assertThat(topology.outlierVerdicts()).singleElement().satisfies(verdict -> {
        assertThat(verdict.getDeviceUuid()).isEqualTo(device(0));
        assertThat(verdict.getActiveDevices()).isEqualTo(5);
        assertThat(verdict.getMessage()).endsWith("far more than this fleet's typical 0–1 (robust z 5.4)");
      });
      assertThat(health(topology, device(0)).getStatus()).isEqualTo(Status.WARN);
    }
  }

  @Test
  void whenTheRestartsSlideOutOfTheWindowTheWarningIsWithdrawn() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      fleetOf(topology, 10);
      engineKills(topology, device(0), 8, T0.minus(Duration.ofHours(23)), Duration.ofHours(2));
      topology.advanceWallClock(ROUND);
      assertThat(check(health(topology, device(0)), HealthChecks.CONTAINER_ENGINE).getStatus()).isEqualTo(Status.WARN);
      topology.outlierVerdicts();

      // Four hours on, the kills at -23 h and -21 h have left the window: 6 remain, still far from the fleet.
      topology.advanceWallClock(Duration.ofHours(4));
      assertThat(topology.outlierVerdicts()).singleElement().satisfies(verdict -> {
        assertThat(verdict.getOutlier()).isTrue();
        assertThat(verdict.getRestarts()).isEqualTo(6);
      });
      assertThat(check(health(topology, device(0)), HealthChecks.CONTAINER_ENGINE).getMessage())
          .startsWith("Container engine balena restarted uncleanly 6 times in 24 h");

      // Eight more hours: the last kills were at -11 h and -9 h, 2 restarts are under the minimum of 3.
      topology.advanceWallClock(Duration.ofHours(8));
      assertThat(topology.outlierVerdicts()).singleElement().satisfies(verdict -> {
        assertThat(verdict.getOutlier()).isFalse();
        assertThat(verdict.getRestarts()).isEqualTo(2);
      });
      DeviceHealth recovered = health(topology, device(0));
      assertThat(recovered.getStatus()).isEqualTo(Status.OK);
      assertThat(check(recovered, HealthChecks.CONTAINER_ENGINE).getMessage()).isEqualTo(HealthChecks.okMessage(HealthChecks.CONTAINER_ENGINE));
      assertThat(topology.driver.<String, RestartOutlier>getKeyValueStore(FleetStores.OUTLIERS).get("harbor|check_container_engine|" + device(0)))
          .isNull();
    }
  }

  @Test
  void whenAllOtherDevicesHadNoRestartTheMeanAbsoluteDeviationStandsInForTheZeroMad() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      fleetOf(topology, 10);
      engineKills(topology, device(0), 6, T0.minus(Duration.ofHours(12)), Duration.ofHours(2));

      topology.advanceWallClock(ROUND);

      // median 0 and MAD 0; MeanAD 0.6, z = 6 / (1.253314 · 0.6) = 8.0
      assertThat(topology.outlierVerdicts()).singleElement().satisfies(verdict -> {
        assertThat(verdict.getDeviceUuid()).isEqualTo(device(0));
        assertThat(verdict.getMessage())
            .isEqualTo("Container engine balena restarted uncleanly 6 times in 24 h, far more than this fleet's typical 0 (robust z 8.0)");
      });
    }
  }

  @Test
  void oneOrTwoRestartsInAQuietFleetAreUnderTheMinimum() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      fleetOf(topology, 10);
      engineKills(topology, device(0), 2, T0.minus(Duration.ofHours(12)), Duration.ofHours(2));

      topology.advanceWallClock(ROUND);

      assertThat(topology.outlierVerdicts()).as("z would be 8.0, but 2 restarts a day is not news").isEmpty();
    }
  }

  @Test
  void aCrashLoopsFailIsNotOverriddenByTheOutlierWarningWhichShowsOnceTheLoopEnds() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      fleetOf(topology, 10);
      engineKills(topology, device(0), 6, T0.minus(Duration.ofHours(16)), Duration.ofHours(2));
      engineKills(topology, device(0), 2, T0.minus(Duration.ofMinutes(5)), Duration.ofMinutes(3));
      String crashloop = "Container engine balena has 2 unclean restarts and may be crashlooping";
      assertThat(check(health(topology, device(0)), HealthChecks.CONTAINER_ENGINE).getMessage()).isEqualTo(crashloop);

      topology.advanceWallClock(ROUND);
      assertThat(topology.outlierVerdicts()).singleElement().satisfies(verdict -> assertThat(verdict.getRestarts()).isEqualTo(8));
      DeviceHealth failing = health(topology, device(0));
      assertThat(failing.getStatus()).isEqualTo(Status.FAIL);
      assertThat(check(failing, HealthChecks.CONTAINER_ENGINE)).satisfies(c -> {
        assertThat(c.getStatus()).isEqualTo(Status.FAIL);
        assertThat(c.getMessage()).isEqualTo(crashloop);
      });

      topology.advanceWallClock(Duration.ofMinutes(16));
      DeviceHealth warned = health(topology, device(0));
      assertThat(warned.getStatus()).isEqualTo(Status.WARN);
      assertThat(check(warned, HealthChecks.CONTAINER_ENGINE).getMessage())
          .startsWith("Container engine balena restarted uncleanly 8 times in 24 h, far more than this fleet's typical 0");
    }
  }

  @Test
  void userServiceRestartsCountOnTheirOwnCheckAndNameTheUnit() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      fleetOf(topology, 10);
      for (int i = 0; i < 7; i++) {
        topology.pipe(JournalEntries.systemd(device(3), "myapp.service", "myapp.service: Main process exited, code=exited, status=1/FAILURE",
            T0.minus(Duration.ofHours(14 - 2 * i))).build());
      }

      topology.advanceWallClock(ROUND);

      assertThat(topology.outlierVerdicts()).singleElement().satisfies(verdict -> {
        assertThat(verdict.getCheck()).isEqualTo(HealthChecks.USER_SERVICES);
        assertThat(verdict.getMessage()).startsWith("User services restarted uncleanly 7 times in 24 h (most recently myapp.service), far more");
      });
      DeviceHealth health = health(topology, device(3));
      assertThat(check(health, HealthChecks.USER_SERVICES).getStatus()).isEqualTo(Status.WARN);
      assertThat(check(health, HealthChecks.CONTAINER_ENGINE).getStatus()).isEqualTo(Status.OK);
    }
  }

  private static void fleetOf(TopologyHarness topology, int devices) {
    for (int i = 0; i < devices; i++) {
      signOfLife(topology, device(i), T0.minusSeconds(600));
    }
  }

  private static void signOfLife(TopologyHarness topology, String device, Instant at) {
    topology.pipe(JournalEntries.service(device, "balena.service", "balenad", "level=info msg=\"API listen on /var/run/balena.sock\"", at).build());
  }

  private static void engineKills(TopologyHarness topology, String device, int kills, Instant first, Duration apart) {
    for (int i = 0; i < kills; i++) {
      topology.pipe(JournalEntries.systemd(device, "balena.service", ENGINE_KILL, first.plus(apart.multipliedBy(i))).build());
    }
  }

  private static DeviceHealth health(TopologyHarness topology, String device) {
    KeyValueStore<String, DeviceHealth> current = topology.driver.getKeyValueStore(DeviceHealthStores.CURRENT);
    return current.get(device);
  }

  private static HealthCheck engineCheck(TopologyHarness topology, String device) {
    return check(health(topology, device), HealthChecks.CONTAINER_ENGINE);
  }

  private static HealthCheck check(DeviceHealth health, String name) {
    return health.getChecks().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  private static String device(int i) {
    return String.format("e%031x", i + 1);
  }
}
