package io.fleetpulse.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bench pipeline}, run tiny: it measures both sides, detects the engine kills and writes its row. */
class PipelineBenchmarkTest {

  @Test
  void aTinyRunMeasuresTheTopologyNextToThePlainConsumerAndAppendsARow(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PipelineBenchmark.Result result = new PipelineBenchmark(new PipelineBenchmark.Settings(2_000, 500, 1, 3, null, 1, Map.of(), 1, 2_000, 20),
        new PrintStream(console, true, StandardCharsets.UTF_8)).run();

    assertThat(result.raw().perSecond()).isPositive();
    assertThat(result.topology().perSecond()).isPositive();
    assertThat(result.floor().perSecond()).isPositive();
    assertThat(result.topology().cpuMicrosPerEntry()).isPositive();
    assertThat(result.withRules().perSecond()).as("the topology again with 20 rules").isPositive();
    assertThat(result.latency().millis()).as("CRASHLOOP alerts for the killed engines").isNotEmpty();
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("pre-loaded 2,000 entries", "plain KafkaConsumer:", "fleetpulse topology",
        "Kafka Streams, no-op processor", "latency run:");
    assertThat(result.table()).contains("| journal entries/s, 2000 entries, 1000 devices, 1 threads, commit 200 ms |");
    assertThat(result.summaryLine()).matches("bench pipeline: \\d+ entries/s vs plain KafkaConsumer \\d+ entries/s, ratio \\d+\\.\\d\\d "
        + "\\(Kafka Streams with a no-op processor: \\d+ entries/s\\); with 20 rules: \\d+ entries/s, \\d+\\.\\d\\d of the same without");
    assertThat(result.table()).contains("| with 20 user rules (half regex), entries/s; CPU µs per entry |");

    Path results = dir.resolve("benchmarks.md");
    Files.writeString(results, "# Benchmarks\n");
    result.appendTo(results);
    assertThat(Files.readString(results)).startsWith("# Benchmarks\n\n### bench pipeline, 20")
        .contains("(one broker, 2000 entries, 1 threads, commit 200 ms, latency at 500 entries/s, journal store 2000 lines per device)", result.table());
  }

  @Test
  void helpListsTheOptions() {
    StringWriter out = new StringWriter();
    int exit = new CommandLine(new BenchCommand()).setOut(new PrintWriter(out)).execute("pipeline", "--help");
    assertThat(exit).isZero();
    assertThat(out.toString()).contains("--entries", "--rate", "--seconds", "--commit-interval", "--threads", "--warm-up", "--streams-config", "--brokers", "--results");
  }

  @Test
  void badSettingsAreRefusedWithAReason() {
    assertThatThrownBy(() -> new PipelineBenchmark.Settings(10, 500, 1, 3, null, 1, Map.of(), 1, 2_000, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--entries >= 1000");
    assertThatThrownBy(() -> new PipelineBenchmark.Settings(2_000, 500, 1, 3, 0, 1, Map.of(), 1, 2_000, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--commit-interval");
  }
}
