package io.fleetpulse.collector.publish;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/** How the collector reaches Kafka. {@code overrides} are raw producer properties for tuning. */
public record PublisherSettings(String bootstrapServers, Duration deliveryTimeout, Map<String, Object> overrides) {

  public PublisherSettings {
    overrides = Map.copyOf(overrides);
  }

  /**
   * The producer configuration every collector producer shares: idempotent, acks=all, and bounded waits
   * so that a push gets its 503 while the device is still listening.
   */
  public Map<String, Object> producerConfig(String clientId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // Entries are ~1 KiB once encoded; the 16 KiB default batch would send a request every 16 of them.
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    int deliveryMs = (int) deliveryTimeout.toMillis();
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryMs / 2);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, deliveryMs / 2);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryMs);
    config.putAll(overrides);
    return config;
  }

  /**
   * A transactional producer's configuration: the shared one plus the transactional id. An open
   * transaction of a collector that died blocks read_committed readers of its partitions until the broker
   * aborts it after {@code transaction.timeout.ms}: twice the delivery timeout, the longest a healthy
   * transaction of ours stays open (sends, then the commit).
   */
  public Map<String, Object> transactionalConfig(String clientId, String transactionalId) {
    Map<String, Object> config = producerConfig(clientId);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) deliveryTimeout.toMillis() * 2);
    // A transaction begun right after the previous commit races that commit's markers (transactions v2):
    // its first produce gets CONCURRENT_TRANSACTIONS and is retried. With one request in flight the
    // requests behind it wait instead of failing as out of order, and a short backoff keeps the retry
    // from costing the default 100 ms of every push in the transaction.
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    config.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5);
    config.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200);
    config.putAll(overrides);
    return config;
  }

  public static PublisherSettings of(String bootstrapServers) {
    return new PublisherSettings(bootstrapServers, Duration.ofSeconds(10), Map.of());
  }
}
