package io.fleetpulse.collector.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * What the push endpoints count, as Micrometer meters tagged by ingest ({@code push-json},
 * {@code push-export}): entries received, accepted (in Kafka), deduplicated (re-sends dropped), bytes,
 * requests rejected by reason, request latency by status, and Kafka produce latency.
 */
final class IngestMetrics {

  private final MeterRegistry registry;
  private final String ingest;
  private final Counter received;
  private final Counter accepted;
  private final Counter deduplicated;
  private final Counter bytes;
  private final Timer produceLatency;

  IngestMetrics(MeterRegistry registry, String ingest) {
    this.registry = registry;
    this.ingest = ingest;
    this.received = Counter.builder("fleetpulse.collector.entries.received").tag("ingest", ingest)
        .description("journal entries parsed from push requests").register(registry);
    this.accepted = Counter.builder("fleetpulse.collector.entries.accepted").tag("ingest", ingest)
        .description("journal entries acknowledged by Kafka").register(registry);
    this.deduplicated = Counter.builder("fleetpulse.collector.entries.deduplicated").tag("ingest", ingest)
        .description("re-sent journal entries dropped").register(registry);
    this.bytes = Counter.builder("fleetpulse.collector.received").tag("ingest", ingest).baseUnit("bytes")
        .description("push request body bytes").register(registry);
    this.produceLatency = Timer.builder("fleetpulse.collector.produce.latency").tag("ingest", ingest)
        .description("time from sending a batch to Kafka until every entry is acknowledged")
        .publishPercentileHistogram().register(registry);
  }

  void received(int entries) {
    received.increment(entries);
  }

  void accepted(int entries) {
    accepted.increment(entries);
  }

  void deduplicated(int entries) {
    deduplicated.increment(entries);
  }

  void bytes(long count) {
    bytes.increment(count);
  }

  void produced(Duration latency) {
    produceLatency.record(latency);
  }

  /** A request refused; reasons are fixed words (malformed, too_large, rate_limited, …). */
  void rejected(String reason) {
    Counter.builder("fleetpulse.collector.requests.rejected").tag("ingest", ingest).tag("reason", reason)
        .description("push requests refused, by reason").register(registry).increment();
  }

  void requestCompleted(int status, Duration latency) {
    Timer.builder("fleetpulse.collector.request.latency").tag("ingest", ingest).tag("status", Integer.toString(status))
        .description("push request time, first byte to response").publishPercentileHistogram()
        .register(registry).record(latency);
  }
}
