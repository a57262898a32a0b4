package io.fleetpulse.streams.extract;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.JournalEntries;
import io.fleetpulse.streams.TopologyHarness;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: a retry reaching another collector while the first attempt is still committing is written twice;
 * the topology turns it into events once. A backfill older than what was processed still passes.
 */
class ResentEntryFilterTest {

  private static final String DEVICE = "e5000000000000000000000000000001";

  @Test
  void anEntryWrittenTwiceBecomesOneEventAndAnOlderBackfillStillPasses(@TempDir Path state) {
    Instant at = Instant.parse("2026-12-06T10:00:00Z");
    try (TopologyHarness topology = new TopologyHarness(state)) {
      topology.pipe(List.of(engineKill(at, 10), engineKill(at.plusSeconds(1), 11), engineKill(at, 10), engineKill(at.plusSeconds(1), 11)));
      topology.pipe(List.of(engineKill(at.minusSeconds(60), 3)));

      List<Long> restarts = topology.events().stream().filter(event -> event.getKind() == EventKind.UNIT_RESTART)
          .map(DeviceEvent::getAt).map(Instant::toEpochMilli).toList();
      assertThat(restarts).hasSize(3).doesNotHaveDuplicates();
    }
  }

  @Test
  void rangesStayFewAndExact() {
    DeliveredSeqnums seen = DeliveredSeqnums.NONE;
    for (long seqnum = 100; seqnum <= 10_000; seqnum++) {
      seen = seen.with(seqnum);
    }
    seen = seen.with(5).with(7).with(6);
    assertThat(seen.count()).isEqualTo(2);
    assertThat(seen.contains(6)).isTrue();
    assertThat(seen.contains(8)).isFalse();
    assertThat(seen.contains(10_000)).isTrue();
    assertThat(seen.contains(10_001)).isFalse();
    for (long seqnum = 20_000; seqnum < 20_000 + 2 * DeliveredSeqnums.MAX_RANGES; seqnum += 2) {
      seen = seen.with(seqnum);
    }
    assertThat(seen.count()).isEqualTo(DeliveredSeqnums.MAX_RANGES);
    assertThat(seen.contains(5)).as("the oldest range forgotten").isFalse();
  }

  private static JournalEntry engineKill(Instant at, long seqnum) {
    return JournalEntries.systemd(DEVICE, "balena.service", "balena.service: Main process exited, code=killed, status=9/KILL", at)
        .setSeqnumId("5eed5eed5eed5eed5eed5eed5eed5eed").setSeqnum(seqnum).build();
  }
}
