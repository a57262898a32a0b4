package io.fleetpulse.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.launcher.config.FleetpulseConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The role commands' flags land on the settings they name, over --set. */
class RoleCommandTest {

  @Test
  void collectorFlagsSetKafkaAndThePushPort() {
    RoleCommand.Collector collector = new RoleCommand.Collector();
    new CommandLine(collector).parseArgs("--bootstrap-servers", "kafka-0:9092,kafka-1:9092", "--port", "29532",
        "--set", "collector.port=1", "--set", "collector.opsPort=29533");
    FleetpulseConfig config = collector.config();
    assertThat(config.kafka().bootstrap()).isEqualTo("kafka-0:9092,kafka-1:9092");
    assertThat(config.collector().port()).isEqualTo(29532);
    assertThat(config.collector().opsPort()).isEqualTo(29533);
  }

  @Test
  void apiPortFlagSetsTheApiPort() {
    RoleCommand.Api api = new RoleCommand.Api();
    new CommandLine(api).parseArgs("--bootstrap-servers", "kafka:9092", "--port", "18081");
    assertThat(api.config().api().port()).isEqualTo(18081);
    assertThat(api.config().collector().port()).isEqualTo(19532);
  }
}
