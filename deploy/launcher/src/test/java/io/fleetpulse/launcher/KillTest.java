package io.fleetpulse.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.bench.crash.CrashRun;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast subset of the crash suite ({@code ./fleetpulse bench crash} runs the long one): real fleetpulse
 * processes killed with SIGKILL under steady push load from devices that re-send until 202, then counted
 * from the outside — REST and read_committed consumers. A failed run keeps its processes' logs (the data
 * directory the failure names).
 */
class KillTest {

  @Test
  void theAllInOneKilledTwiceLosesDoublesAndStallsNothing(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dataDir) throws Exception {
    CrashRun.Report report = run(CrashRun.Target.ALL_IN_ONE, dataDir, 2);
    assertPassed(report);
    assertThat(report.resends()).as("the kills happened under load: devices had to re-send").isPositive();
  }

  @Test
  void theCollectorKilledTwiceWhileTheApiAndBrokerRunLosesDoublesAndStallsNothing(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dataDir) throws Exception {
    CrashRun.Report report = run(CrashRun.Target.COLLECTOR, dataDir, 2);
    assertPassed(report);
    assertThat(report.resends()).as("the kills happened under load: devices had to re-send").isPositive();
  }

  @Test
  void oneOfTwoApiInstancesKilledLosesDoublesAndStallsNothing(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dataDir) throws Exception {
    assertPassed(run(CrashRun.Target.API, dataDir, 1));
  }

  /**
   * The broker killed under the running roles. Right after such a restart Kafka's coordinator skips the markers of
   * transactions it had prepared for partitions that have no leader yet, stranding committed pushes; the watchdog
   * commits them as the coordinator logged (docs/operations.md, "A stalled pipeline").
   */
  @Test
  void theBrokerKilledTwiceUnderTheRunningRolesLosesDoublesAndStallsNothing(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dataDir) throws Exception {
    CrashRun.Report report = run(CrashRun.Target.BROKER, dataDir, 2);
    assertPassed(report);
    assertThat(report.resends()).as("the kills happened under load: devices had to re-send").isPositive();
  }

  /**
   * Issue 19's cluster: three broker processes (replication 3, min ISR 2), two collectors behind a load balancer
   * that sends each re-send to the other one, two api instances; two of the seven killed in turn.
   */
  @Test
  void anyProcessOfAThreeBrokerClusterKilledLosesDoublesAndStallsNothing(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dataDir) throws Exception {
    CrashRun.Report report = new CrashRun(new CrashRun.Settings(CrashRun.Target.CLUSTER, dataDir, 10, 300, 2, Duration.ofMillis(200), 2,
        Duration.ofSeconds(4), Duration.ofSeconds(10), 7, 0, false, Duration.ZERO)).run();
    assertPassed(report);
    assertThat(report.resends()).as("the kills happened under load: devices had to re-send").isPositive();
  }

  private static CrashRun.Report run(CrashRun.Target target, Path dataDir, int kills) throws InterruptedException {
    return new CrashRun(new CrashRun.Settings(target, dataDir, 20, 300, 2, Duration.ofMillis(200), kills,
        Duration.ofSeconds(4), Duration.ofSeconds(10), 13, 0, false, Duration.ZERO)).run();
  }

  private static void assertPassed(CrashRun.Report report) {
    assertThat(report.failures()).as(report.summary()).isEmpty();
  }
}
