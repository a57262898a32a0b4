package io.fleetpulse.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {

  @TempDir
  Path dataDir;

  @Test
  void aSecondHolderOfAPartIsRefusedNamingTheFirstWhileOtherPartsMayShareTheDirectory() {
    try (DataDirLock run = DataDirLock.acquire(dataDir, "run", List.of("broker", "collector", "api"))) {
      assertThatThrownBy(() -> DataDirLock.acquire(dataDir, "api", List.of("api")))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("Data directory " + dataDir.toAbsolutePath() + " is in use")
          .hasMessageContaining("fleetpulse run (pid " + ProcessHandle.current().pid())
          .hasMessageContaining("--set dataDir=");
    }
    try (DataDirLock collector = DataDirLock.acquire(dataDir, "collector", List.of("collector"));
         DataDirLock api = DataDirLock.acquire(dataDir, "api", List.of("api"))) {
      assertThatThrownBy(() -> DataDirLock.acquire(dataDir, "run", List.of("broker", "collector", "api")))
          .isInstanceOf(ConfigException.class).hasMessageContaining("its collector is held by fleetpulse collector");
      // The refused run left the broker part free again.
      DataDirLock.acquire(dataDir, "broker", List.of("broker")).close();
    }
  }
}
