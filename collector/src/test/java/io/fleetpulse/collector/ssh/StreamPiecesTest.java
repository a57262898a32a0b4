package io.fleetpulse.collector.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.schemas.DiskSample;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small parts of a device's stream: line cutting, df output, backoff. */
class StreamPiecesTest {

  @Test
  void linesAreCutAcrossChunksAndAnOverlongLineIsSkippedAndReported() {
    List<String> lines = new ArrayList<>();
    List<Long> tooLong = new ArrayList<>();
    LineSplitter.Lines sink = new LineSplitter.Lines() {
      @Override
      public void line(byte[] bytes, int offset, int length) {
        lines.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
      }

      @Override
      public void tooLong(long length) {
        tooLong.add(length);
      }
    };
    LineSplitter splitter = new LineSplitter(10);
    for (String chunk : List.of("one\ntw", "o\nthree-is-far-too-", "long\nfour\n", "fi")) {
      byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
      splitter.feed(bytes, 0, bytes.length, sink);
    }
    assertThat(lines).containsExactly("one", "two", "four");
    assertThat(tooLong).containsExactly(21L);
    assertThat(splitter.unfinished()).as("a cut-off last line is not an entry").isEqualTo(2);
  }

  @Test
  void dfOutputBecomesOneSamplePerMountAndOddLinesAreReported() {
    String output = """
        Mounted on          1B-blocks        Used       Avail
        /mnt/data         15000000000  6000000000  9000000000
        /mnt/my state        20000000     1000000    19000000
        garbage line
        """;
    DiskUsageParser.Result result = new DiskUsageParser().parse(output, new DeviceRef("0123456789abcdef0123456789abcdef", "f"), Instant.EPOCH);
    assertThat(result.samples()).extracting(DiskSample::getMount).containsExactly("/mnt/data", "/mnt/my state");
    assertThat(result.samples().get(0).getUsedBytes()).isEqualTo(6_000_000_000L);
    assertThat(result.samples().get(0).getSource()).isEqualTo("ssh");
    assertThat(result.unreadable()).containsExactly("garbage line");
  }

  @Test
  void backoffGrowsExponentiallyWithJitterUpToItsCap() {
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
    for (int i = 0; i < 50; i++) {
      assertThat(backoff.delay(1)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
      assertThat(backoff.delay(4)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
      assertThat(backoff.delay(40)).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(60));
    }
  }
}
