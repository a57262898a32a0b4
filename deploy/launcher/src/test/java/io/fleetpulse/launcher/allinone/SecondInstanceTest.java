package io.fleetpulse.launcher.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.bench.crash.FleetpulseProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second {@code fleetpulse run} on the data directory of a running one is refused in one line, before it
 * opens anything, and the first goes on unharmed: still ready, stops cleanly, starts again on its data.
 */
class SecondInstanceTest {

  @Test
  void aSecondRunOnTheSameDataIsRefusedAndTheFirstIsUnharmed(@TempDir Path dataDir) throws Exception {
    FleetpulseProcess first = FleetpulseProcess.allInOne(dataDir, FleetpulseProcess.freePort(), FleetpulseProcess.freePort(),
        FleetpulseProcess.freePort(), List.of("kafka.partitions=2"));
    first.start();
    try {
      first.awaitReady(Duration.ofMinutes(2));
      FleetpulseProcess second = FleetpulseProcess.allInOne(dataDir, FleetpulseProcess.freePort(), FleetpulseProcess.freePort(),
          FleetpulseProcess.freePort(), List.of("kafka.partitions=2"));
      second.start();
      Integer refused = second.exitCode(Duration.ofMinutes(1));
      assertThat(refused).as("the second instance ended on its own, and not well").isNotNull().isNotZero();
      // Both write to the data directory's log: the refusal is there, and no second broker ever started.
      assertThat(Files.readString(second.log())).contains("is in use").contains("is held by fleetpulse run (pid " + first.pid())
          .doesNotContain("Address already in use");
      assertThat(first.awaitReady(Duration.ofSeconds(10))).as("the first still ready").isLessThan(Duration.ofSeconds(10));
    } finally {
      first.stop();
    }
    assertThat(first.exitCode(Duration.ofSeconds(1))).as("stopped cleanly by SIGTERM (128 + 15)").isIn(0, 143);
    first.start();
    try {
      first.awaitReady(Duration.ofMinutes(2));
    } finally {
      first.stop();
    }
  }
}
