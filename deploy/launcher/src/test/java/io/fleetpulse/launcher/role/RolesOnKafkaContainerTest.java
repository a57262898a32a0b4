package io.fleetpulse.launcher.role;

import io.fleetpulse.launcher.deployment.ComposeFile;
import io.fleetpulse.launcher.deployment.RepositoryFiles;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The roles on a real Kafka in a container (the image the compose stack runs), where Docker exists.
 * Build machines without a Docker engine report these tests as skipped ("No Docker environment is available").
 */
@Testcontainers(disabledWithoutDocker = true)
class RolesOnKafkaContainerTest extends RolesOnKafkaContract {

  @Container
  static final KafkaContainer kafka =
      new KafkaContainer(String.valueOf(new ComposeFile(RepositoryFiles.COMPOSE_FILE).service("kafka").get("image")));

  @Override
  String bootstrap() {
    return kafka.getBootstrapServers();
  }
}
