package io.fleetpulse.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceIdTest {

  @TempDir
  Path dataDir;

  @Test
  void aGeneratedIdIsKeptAcrossRestarts() throws Exception {
    Path file = dataDir.resolve("collector-instance-id");
    String first = InstanceId.resolve("", "collector.instanceId", file);
    assertThat(InstanceId.resolve("", "collector.instanceId", file)).isEqualTo(first);
    assertThat(Files.readString(file).strip()).isEqualTo(first);
    try (var left = Files.list(dataDir)) {
      assertThat(left).as("no temporary file left behind").containsExactly(file);
    }
  }

  @Test
  void aConfiguredIdWinsAndMustBePlain() {
    Path file = dataDir.resolve("streams-instance-id");
    assertThat(InstanceId.resolve("api-0.west", "streams.instanceId", file)).isEqualTo("api-0.west");
    assertThat(file).doesNotExist();
    assertThatThrownBy(() -> InstanceId.resolve("../etc", "streams.instanceId", file))
        .isInstanceOf(ConfigException.class).hasMessageContaining("streams.instanceId");
  }
}
