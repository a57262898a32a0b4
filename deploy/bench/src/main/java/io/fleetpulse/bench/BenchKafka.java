package io.fleetpulse.bench;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.EmbeddedKafkaCluster;
import java.nio.file.Path;

/**
 * The Kafka a benchmark runs against, in its own process: one embedded broker, or a KRaft cluster of several (topics
 * replicated three times with two in sync, as fleetpulse runs on a cluster), so a figure can be set beside the same
 * figure on one broker.
 */
final class BenchKafka implements AutoCloseable {

  private final AutoCloseable running;
  private final String bootstrapServers;
  private final int brokers;

  private BenchKafka(AutoCloseable running, String bootstrapServers, int brokers) {
    this.running = running;
    this.bootstrapServers = bootstrapServers;
    this.brokers = brokers;
  }

  static BenchKafka start(Path dir, int brokers) {
    if (brokers == 1) {
      EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(dir)).start();
      return new BenchKafka(broker, broker.bootstrapServers(), 1);
    }
    EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.of(dir, brokers).start();
    return new BenchKafka(cluster, cluster.bootstrapServers(), brokers);
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  /** How many copies fleetpulse's topics get here. */
  short replication() {
    return (short) Math.min(3, brokers);
  }

  /** For the results: "one broker", or the cluster and its replication. */
  String describe() {
    return brokers == 1 ? "one broker" : brokers + " brokers, replication " + replication() + ", min.insync.replicas 2";
  }

  @Override
  public void close() throws Exception {
    running.close();
  }
}
