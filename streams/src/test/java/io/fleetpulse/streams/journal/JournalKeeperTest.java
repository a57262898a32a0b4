package io.fleetpulse.streams.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.alerts.AlertsStore;
import io.fleetpulse.streams.JournalEntries;
import io.fleetpulse.streams.StreamsSettings;
import io.fleetpulse.streams.TopologyHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each device's recent journal lines stay readable in the order the device wrote them, within the retention. */
class JournalKeeperTest {

  private static final String DEVICE = "a7c3e1f09b2d4e5fa1b2c3d4e5f60718";
  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

  @TempDir
  Path stateDir;

  @Test
  void linesReadBackByBootThenMonotonicTimeWhateverTheWallClockSaid() {
    try (TopologyHarness topology = new TopologyHarness(StreamsSettings.of("unused:9092", "journal-test", stateDir))) {
      // The first boot's clock is in 2017 (no RTC, no NTP yet); the second boot's is right: wall time would put them backwards.
      JournalEntry first = line("first boot, clock in 2017", T0, "boot-a", 5_000_000, 10).setRealtimeUs(1_500_000_000_000_000L).build();
      JournalEntry second = line("first boot, later", T0.plusSeconds(1), "boot-a", 6_000_000, 11).setRealtimeUs(1_500_000_001_000_000L).build();
      JournalEntry third = line("second boot", T0.plusSeconds(2), "boot-b", 1_000_000, 12).build();
      topology.pipe(List.of(first, third)).pipe(second).pipe(first);

      List<StoredJournal.Line> lines = StoredJournal.lines(store(topology), DEVICE);
      assertThat(lines).extracting(line -> line.entry().getMessage())
          .containsExactly("first boot, clock in 2017", "first boot, later", "second boot");
      assertThat(lines).extracting(StoredJournal.Line::boot).containsExactly(0L, 0L, 1L);
      assertThat(lines.get(0).entry().getFields()).as("fields no reader shows are not kept").isEmpty();
      assertThat(StoredJournal.boots(index(topology), DEVICE)).containsExactly(Map.entry(0L, "boot-a"), Map.entry(1L, "boot-b"));
    }
  }

  @Test
  void aDeviceKeepsItsLastLinesAndNoneOlderThanTheAge() {
    StreamsSettings settings = StreamsSettings.of("unused:9092", "journal-test", stateDir)
        .withJournal(new JournalRetention(3, Duration.ofHours(1)));
    try (TopologyHarness topology = new TopologyHarness(settings)) {
      for (int i = 0; i < 5; i++) {
        topology.pipe(line("line " + i, T0.plusSeconds(i), "boot-a", 1_000_000L * (i + 1), 100 + i).build());
      }
      assertThat(StoredJournal.lines(store(topology), DEVICE)).extracting(line -> line.entry().getMessage())
          .containsExactly("line 2", "line 3", "line 4");

      // Two hours later, one line: the three before it are past the age.
      topology.pipe(line("back", T0.plus(Duration.ofHours(2)), "boot-a", 7_300_000_000L, 200).build());
      assertThat(StoredJournal.lines(store(topology), DEVICE)).extracting(line -> line.entry().getMessage()).containsExactly("back");
    }
  }

  /** Issue 26: the lines around an alert stay readable for as long as it is listed, past the journal's retention. */
  @Test
  void theLinesAroundAnAlertOutliveTheJournalsRetention() {
    StreamsSettings settings = StreamsSettings.of("unused:9092", "journal-test", stateDir)
        .withJournal(new JournalRetention(5, Duration.ofHours(24)));
    try (TopologyHarness topology = new TopologyHarness(settings)) {
      long seqnum = 100;
      for (int i = 0; i < 3; i++) {
        topology.pipe(line("before " + i, T0.plusSeconds(i), "boot-a", 1_000_000L * (i + 1), seqnum++).build());
      }
      for (int kill = 0; kill < 2; kill++) {
        Instant at = T0.plusSeconds(10 + 40L * kill);
        topology.pipe(JournalEntries.systemd(DEVICE, "balena.service", "balena.service: Main process exited, code=killed, status=9/KILL", at)
            .setBootId("boot-a").setMonotonicUs(1_000_000L * (10 + 40L * kill)).setSeqnumId("5e9c1a2b").setSeqnum(seqnum++).build());
      }
      Alert crashloop = topology.alerts().stream().filter(alert -> alert.getKind() == AlertKind.CRASHLOOP).findFirst().orElseThrow();
      for (int i = 0; i < 10; i++) {
        topology.pipe(line("after " + i, T0.plusSeconds(100 + i), "boot-a", 1_000_000L * (100 + i), seqnum++).build());
      }

      assertThat(StoredJournal.lines(store(topology), DEVICE)).extracting(line -> line.entry().getMessage())
          .containsExactly("after 5", "after 6", "after 7", "after 8", "after 9");
      List<StoredJournal.Line> kept = AlertJournal.of(topology.driver.getKeyValueStore(AlertJournal.STORE),
          AlertsStore.key(DEVICE, crashloop.getKind() + "/" + crashloop.getSubject()));
      assertThat(kept).extracting(line -> line.entry().getMessage()).startsWith("before 0", "before 1", "before 2")
          .contains("balena.service: Main process exited, code=killed, status=9/KILL");
    }
  }

  @Test
  void noLinesKeptWhenTheJournalIsOff() {
    StreamsSettings settings = StreamsSettings.of("unused:9092", "journal-test", stateDir)
        .withJournal(new JournalRetention(0, Duration.ofHours(1)));
    try (TopologyHarness topology = new TopologyHarness(settings)) {
      topology.pipe(line("line", T0, "boot-a", 1_000_000, 1).build());
      assertThat(topology.driver.getAllStateStores()).doesNotContainKey(DeviceJournalStore.LINES);
    }
  }

  private static JournalEntry.Builder line(String message, Instant at, String boot, long monotonicUs, long seqnum) {
    return JournalEntries.service(DEVICE, "balena.service", "balenad", message, at).setBootId(boot).setMonotonicUs(monotonicUs)
        .setSeqnumId("5e9c1a2b").setSeqnum(seqnum);
  }

  private static KeyValueStore<String, JournalEntry> store(TopologyHarness topology) {
    return topology.driver.getKeyValueStore(DeviceJournalStore.LINES);
  }

  private static KeyValueStore<String, Long> index(TopologyHarness topology) {
    return topology.driver.getKeyValueStore(DeviceJournalStore.INDEX);
  }
}
