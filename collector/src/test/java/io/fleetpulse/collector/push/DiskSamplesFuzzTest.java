package io.fleetpulse.collector.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.collector.journal.MalformedEntryException;
import io.fleetpulse.schemas.DiskSample;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of the disk-sample parser behind {@code POST …/metrics}: samples or a
 * {@link MalformedEntryException}, never another exception; what it accepts is bounded and consistent.
 */
class DiskSamplesFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void diskSamples(byte[] input) {
    try {
      List<DiskSample> samples = DiskSamplesParser.parse(Buffer.buffer(input), new DeviceRef("b".repeat(32), "harbor"),
          Instant.parse("2026-12-06T12:00:00Z"));
      assertThat(samples).hasSizeLessThanOrEqualTo(DiskSamplesParser.MAX_SAMPLES);
      for (DiskSample sample : samples) {
        assertThat(sample.getMount()).isNotEmpty();
        assertThat(sample.getSizeBytes()).isNotNegative();
        assertThat(sample.getUsedBytes()).isNotNegative();
      }
    } catch (MalformedEntryException refused) {
      // refused with a reason: fine
    }
  }
}
