package io.fleetpulse.launcher.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlMetricNamesTest {

  @Test
  void findsSelectedMetricsButNotFunctionsLabelsOrVariables() {
    assertThat(PromQlMetricNames.of("""
        sum by (instance, code) (rate(vertx_http_server_requests_total{component="api", code=~"5.."}[5m]))
          / on (instance) group_left sum(fleetpulse:api_requests:rate5m offset 1h) > 0.5 * 1e3
        """)).containsExactly("fleetpulse:api_requests:rate5m", "vertx_http_server_requests_total");
    assertThat(PromQlMetricNames.of("increase(kafka_consumer_coordinator_rebalance_total{instance=~\"$instance\"}[$__rate_interval])"))
        .containsExactly("kafka_consumer_coordinator_rebalance_total");
    assertThat(PromQlMetricNames.of("label_values(kafka_stream_alive_stream_threads, instance)"))
        .containsExactly("kafka_stream_alive_stream_threads");
    assertThat(PromQlMetricNames.of("jvm_memory_max_bytes{area=\"heap\"} > 0")).containsExactly("jvm_memory_max_bytes");
  }
}
