package io.fleetpulse.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes, one cluster: topics replicated three times, and a transaction committed while one node is
 * away (min ISR 2), readable with read_committed after it came back and from every node's listener.
 */
class EmbeddedKafkaClusterTest {

  @Test
  void threeNodesReplicateAndCommitTransactionsWithOneNodeAway(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.of(dir, 3).start();
         Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      assertThat(admin.describeCluster().nodes().get()).hasSize(3);
      admin.createTopics(List.of(new NewTopic("replicated", 1, (short) 3))).all().get();
      // The node that answers may learn of the new topic a moment after the controller created it.
      TopicDescription topic = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> admin.describeTopics(List.of("replicated")).allTopicNames().get().get("replicated"),
              described -> described.partitions().get(0).leader() != null);
      assertThat(topic.partitions().get(0).replicas()).hasSize(3);

      int leader = topic.partitions().get(0).leader().id();
      cluster.node(leader).close();
      commit(cluster, "while node " + leader + " was away");
      cluster.node(leader).start();
      commit(cluster, "after it came back");

      // Each node alone as the bootstrap: the cluster's metadata comes from any of them.
      for (int node = 1; node <= 3; node++) {
        assertThat(readCommitted(cluster.node(node).bootstrapServers()))
            .containsExactly("while node " + leader + " was away", "after it came back");
      }
    }
  }

  private static void commit(EmbeddedKafkaCluster cluster, String value) {
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", cluster.bootstrapServers(),
        "transactional.id", "cluster-test"), new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("replicated", "k", value));
      producer.commitTransaction();
    }
  }

  private static List<String> readCommitted(String bootstrap) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
        "isolation.level", "read_committed"), new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition("replicated", 0);
      consumer.assign(Set.of(partition));
      consumer.seekToBeginning(Set.of(partition));
      long end = consumer.endOffsets(Set.of(partition)).get(partition);
      List<String> values = new java.util.ArrayList<>();
      while (consumer.position(partition) < end) {
        consumer.poll(Duration.ofMillis(200)).forEach((ConsumerRecord<String, String> record) -> values.add(record.value()));
      }
      return values;
    }
  }
}
