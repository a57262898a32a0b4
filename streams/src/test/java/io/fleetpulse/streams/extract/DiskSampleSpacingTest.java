package io.fleetpulse.streams.extract;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.DiskSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiskSampleSpacingTest {

  private static final Instant START = Instant.parse("2026-12-07T08:00:00Z");
  private static final long SIZE = 10_000_000_000L;

  private final DiskSampleSpacing spacing = new DiskSampleSpacing(0.10);

  @Test
  void aSampleAMinuteIsAnEventEveryFiveMinutesPerMount() {
    List<Integer> filed = new ArrayList<>();
    for (int minute = 0; minute < 30; minute++) {
      if (spacing.files(sample("/mnt/data", 6_000_000_000L + minute * 1_000_000L), START.plusSeconds(60L * minute))) {
        filed.add(minute);
      }
      assertThat(spacing.files(sample("/", 1_000_000_000L), START.plusSeconds(60L * minute))).isEqualTo(minute % 5 == 0);
    }
    assertThat(filed).containsExactly(0, 5, 10, 15, 20, 25);
  }

  @Test
  void aMoveOfUsageLowFreeSpaceAndABackfillAreEventsAtOnce() {
    assertThat(spacing.files(sample("/mnt/data", 6_000_000_000L), START)).isTrue();
    assertThat(spacing.files(sample("/mnt/data", 6_040_000_000L), START.plusSeconds(60))).as("0.4 % of the disk").isFalse();
    assertThat(spacing.files(sample("/mnt/data", 6_100_000_000L), START.plusSeconds(120))).as("1 % of the disk").isTrue();
    assertThat(spacing.files(sample("/mnt/data", 9_100_000_000L), START.plusSeconds(180))).as("moved 30 %").isTrue();
    assertThat(spacing.files(sample("/mnt/data", 9_100_000_001L), START.plusSeconds(240))).as("9 % free").isTrue();
    assertThat(spacing.files(sample("/mnt/data", 5_000_000_000L), START.minusSeconds(3600))).as("an hour old: a backfill").isTrue();
    assertThat(spacing.files(sample("/", 1_000_000_000L), START)).isTrue();
    assertThat(spacing.files(sample("/", 1_000_000_000L), START.minusSeconds(3600))).as("a backfill").isTrue();
    assertThat(spacing.files(sample("/", 1_000_000_000L), START.plusSeconds(60))).as("the backfill left the newest as it was").isFalse();
  }

  private static DiskSample sample(String mount, long used) {
    return DiskSample.newBuilder().setDeviceUuid("d1").setFleet("harbor").setMount(mount).setSizeBytes(SIZE).setUsedBytes(used)
        .setAvailBytes(SIZE - used).setAt(START).setReceivedAt(START).setSource("push").build();
  }
}
