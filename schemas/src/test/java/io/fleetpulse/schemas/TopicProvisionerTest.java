package io.fleetpulse.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.EmbeddedKafkaCluster;
import io.fleetpulse.kafka.SharedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedKafkaBroker.class)
class TopicProvisionerTest {

  @Test
  void createsEveryDeviceTopicWithOnePartitionCountAndIsIdempotent(EmbeddedKafkaBroker kafka) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(3, (short) 1).provision(admin);
      new TopicProvisioner(3, (short) 1).provision(admin);

      Map<String, TopicDescription> topics = admin.describeTopics(Topics.deviceTopics()).allTopicNames().get();
      assertThat(topics).hasSize(Topics.deviceTopics().size());
      assertThat(topics.values()).allMatch(topic -> topic.partitions().size() == 3);
      assertThat(admin.listTopics().names().get()).contains(Topics.COLLECTOR_CURSORS);
    }
  }

  @Test
  void onThreeBrokersTopicsAreReplicatedThriceAndNeedTwoInSync(@TempDir Path dataDir) throws Exception {
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.of(dataDir, 3).start();
         Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      new TopicProvisioner(3, (short) 3).provision(admin);

      TopicDescription journal = admin.describeTopics(List.of(Topics.JOURNAL_OTHER)).allTopicNames().get().get(Topics.JOURNAL_OTHER);
      assertThat(journal.partitions()).allMatch(partition -> partition.replicas().size() == 3);
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, Topics.JOURNAL_OTHER);
      assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value())
          .isEqualTo("2");
    }
  }

  @Test
  void waitsForAsManyBrokersAsTheReplicationAndSaysWhatToDoWhenTheyDoNotCome(@TempDir Path dataDir) throws Exception {
    try (EmbeddedKafkaBroker own = new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(dataDir)).start();
         Admin admin = Admin.create(Map.of("bootstrap.servers", own.bootstrapServers()))) {
      assertThatThrownBy(() -> new TopicProvisioner(2, (short) 2, Duration.ofSeconds(2)).provision(admin))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Only 1 of the 2 brokers")
          .hasMessageContaining("start the other brokers, or lower kafka.replication");
      assertThat(admin.listTopics().names().get()).as("nothing half-created").doesNotContain(Topics.JOURNAL_OTHER);
    }
  }

  @Test
  void refusesTopicsWithAnotherPartitionCount(@TempDir Path dataDir) throws Exception {
    try (EmbeddedKafkaBroker own = new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(dataDir)).start();
         Admin admin = Admin.create(Map.of("bootstrap.servers", own.bootstrapServers()))) {
      new TopicProvisioner(2, (short) 1).provision(admin);

      assertThatThrownBy(() -> new TopicProvisioner(4, (short) 1).provision(admin))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("must all have 4 partitions")
          .hasMessageContaining("Set kafka.partitions");
    }
  }
}
