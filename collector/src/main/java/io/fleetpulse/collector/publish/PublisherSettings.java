package io.fleetpulse.collector.publish;

import java.time.Duration;
import java.util.Map;

/** How the collector reaches Kafka. {@code overrides} are raw producer properties for tuning. */
public record PublisherSettings(String bootstrapServers, Duration deliveryTimeout, Map<String, Object> overrides) {

  public PublisherSettings {
    overrides = Map.copyOf(overrides);
  }

  public static PublisherSettings of(String bootstrapServers) {
    return new PublisherSettings(bootstrapServers, Duration.ofSeconds(10), Map.of());
  }
}
