package io.fleetpulse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FleetBenchmarkTest {

  private static final String METRICS = String.join("\n",
      "# HELP jvm_memory_used_bytes The amount of used memory",
      "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 1.0E8",
      "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"} 2.5E8",
      "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"} 9.0E7",
      "jvm_memory_used_bytes_max 7",
      "fleetpulse_collector_requests_rejected_total{ingest=\"json\",reason=\"behind\"} 12.0",
      "fleetpulse_collector_requests_rejected_total{ingest=\"export\",reason=\"behind\"} 3.0",
      "fleetpulse_collector_requests_rejected_total{ingest=\"json\",reason=\"rate_limited\"} 5.0",
      "fleetpulse_pipeline_processing_delay_seconds 4.5",
      "jvm_gc_pause_seconds_max{action=\"end of minor GC\",cause=\"G1 Evacuation Pause\"} 0.031",
      "jvm_gc_pause_seconds_max{action=\"end of major GC\",cause=\"G1 Compaction Pause\"} 0.412");

  @Test
  void sumsTheSeriesOfOneMetricWhoseLabelsMatch() {
    assertThat(FleetBenchmark.sum(METRICS, "jvm_memory_used_bytes", "area=\"heap\"")).isEqualTo(3.5e8);
    assertThat(FleetBenchmark.sum(METRICS, "fleetpulse_collector_requests_rejected_total", "reason=\"behind\"")).isEqualTo(15);
    assertThat(FleetBenchmark.sum(METRICS, "fleetpulse_pipeline_processing_delay_seconds", "")).isEqualTo(4.5);
    assertThat(FleetBenchmark.sum(METRICS, "fleetpulse_missing", "")).isZero();
  }

  @Test
  void takesTheLargestSeriesOfOneMetric() {
    assertThat(FleetBenchmark.max(METRICS, "jvm_gc_pause_seconds_max")).isEqualTo(0.412);
    assertThat(FleetBenchmark.max(METRICS, "fleetpulse_missing")).isZero();
  }
}
