package io.fleetpulse.launcher.role;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.launcher.config.ConfigException;
import io.fleetpulse.launcher.config.ConfigLoader;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The roles on the shared embedded broker. */
@ExtendWith(SharedKafkaBroker.class)
class RolesOnEmbeddedKafkaTest extends RolesOnKafkaContract {

  private String bootstrap;

  @BeforeEach
  void broker(EmbeddedKafkaBroker kafka) {
    bootstrap = kafka.bootstrapServers();
  }

  @Override
  String bootstrap() {
    return bootstrap;
  }

  @Test
  void aRoleWithoutAnExternalKafkaIsRefusedWithTheSettingToUse() {
    FleetpulseConfig config = new ConfigLoader().load(null, Map.of(), List.of());
    assertThatThrownBy(() -> new StandaloneRole(StandaloneRole.Kind.API, config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.bootstrap")
        .hasMessageContaining("--bootstrap-servers");
  }
}
