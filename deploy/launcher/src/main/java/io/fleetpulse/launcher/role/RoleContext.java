package io.fleetpulse.launcher.role;

import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.fleetpulse.schemas.TopicProvisioner;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import io.vertx.core.Vertx;

/**
 * What every role runs on: the Kafka cluster, and the process's one Vert.x instance and metrics
 * registry. The all-in-one process shares them between its roles; a standalone role owns them.
 */
public record RoleContext(String bootstrap, Vertx vertx, PrometheusMeterRegistry metrics) {

  /** Creates fleetpulse's topics with the configured partitions and replication (existing topics are kept). */
  public void provisionTopics(FleetpulseConfig.Kafka kafka) throws InterruptedException {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      new TopicProvisioner(kafka.partitions(), kafka.replication()).provision(admin);
    }
  }
}
