package io.fleetpulse.api.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The process's one Prometheus registry: JVM and process metrics bound at creation, Kafka Streams'
 * own metrics bound when the topology runs, and every fleetpulse meter ({@code fleetpulse_*}).
 * Vert.x reports into it too (its HTTP server metrics), through {@code MicrometerMetricsFactory}.
 */
public final class MetricsRegistry {

  private MetricsRegistry() {}

  public static PrometheusMeterRegistry create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Two processor meters break Prometheus naming rules (a nanosecond total, a gauge named _count);
    // process_cpu_usage and system_load_average_1m say the same in conventional form.
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")))
        .meterFilter(new KafkaMetricNames());
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }

  /**
   * A Vert.x instance reporting its HTTP server and pool metrics ({@code vertx_*}) into the registry, each server's
   * labelled with its local address ({@code local}): the collector's push and ops servers, and in the all-in-one the
   * API beside them, are told apart instead of the second one's gauges being dropped as already registered.
   */
  public static Vertx vertx(PrometheusMeterRegistry registry) {
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).addLabels(Label.LOCAL)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  /** Kafka Streams' thread, task and client metrics ({@code kafka_stream_*}); close the binder with the streams. */
  public static KafkaStreamsMetrics bindStreams(PrometheusMeterRegistry registry, KafkaStreams streams) {
    KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
    metrics.bindTo(registry);
    return metrics;
  }
}
