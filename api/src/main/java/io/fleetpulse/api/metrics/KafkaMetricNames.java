package io.fleetpulse.api.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.List;

/**
 * Kafka's client and Streams metrics as Prometheus wants them ({@code promtool check metrics} without a finding):
 * the Micrometer binders pass Kafka's own names through, and some break Prometheus' rules.
 * <ul>
 *   <li>Nanosecond and millisecond totals and averages ({@code io_time_ns_total}, {@code txn_commit_time_ns_total},
 *       {@code app_info_start_time_ms}) are left out: Prometheus wants seconds, a filter cannot rescale a value, and
 *       Kafka says the same as ratios ({@code io_ratio}, {@code io_wait_ratio}, the Streams thread's
 *       {@code *_ratio}), fleetpulse's own timers (commit wait, produce latency) and {@code process_start_time_seconds}.</li>
 *   <li>{@code connection_count}, a gauge, is {@code connections}: {@code _count} belongs to histograms and summaries.</li>
 *   <li>Metrics Kafka gives no description get one that says so.</li>
 * </ul>
 */
final class KafkaMetricNames implements MeterFilter {

  private static final List<String> ABBREVIATED_UNITS = List.of("ns", "ms");

  @Override
  public MeterFilterReply accept(Meter.Id id) {
    if (isKafka(id) && List.of(id.getName().split("\\.")).stream().anyMatch(ABBREVIATED_UNITS::contains)) {
      return MeterFilterReply.DENY;
    }
    return MeterFilterReply.NEUTRAL;
  }

  @Override
  public Meter.Id map(Meter.Id id) {
    if (!isKafka(id)) {
      return id;
    }
    String name = id.getName().endsWith(".connection.count")
        ? id.getName().substring(0, id.getName().length() - ".connection.count".length()) + ".connections"
        : id.getName();
    String description = id.getDescription() == null || id.getDescription().isBlank()
        ? "Kafka's metric " + id.getName() + " (Kafka gives it no description)"
        : id.getDescription();
    return new Meter.Id(name, Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description, id.getType());
  }

  private static boolean isKafka(Meter.Id id) {
    return id.getName().startsWith("kafka.");
  }
}
