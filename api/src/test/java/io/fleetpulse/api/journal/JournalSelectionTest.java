package io.fleetpulse.api.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.journal.JournalAnchor;
import io.fleetpulse.streams.journal.StoredJournal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which kept lines a request gets: around an anchor, in a window, or the newest, after journalctl's filters. */
class JournalSelectionTest {

  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  /** Lines 0..19 of boot 0 a second apart; line 10 is the engine's SIGKILL, line 15 says it again. */
  private static final List<StoredJournal.Line> LINES = lines();

  @Test
  void aroundAnAlertStartsAtItsFirstEvidenceLineNearestToItsTime() {
    JournalSelection.Page page = JournalSelection.select(request(null, "alert-1", 3, 2, 100, null), LINES, Map.of(0L, "b0"),
        new JournalAnchor(T0.plusSeconds(14), Optional.of("balena.service: Main process exited, code=killed, status=9/KILL")));
    assertThat(messages(page)).containsExactly("line 12", "line 13", "line 14", "balena.service: Main process exited, code=killed, status=9/KILL",
        "line 16");
    assertThat(page.moreBefore()).isTrue();
    assertThat(page.moreAfter()).isTrue();
  }

  @Test
  void aroundATimeStartsAtTheFirstLineNotBeforeIt() {
    JournalSelection.Page page = JournalSelection.select(request(T0.plusMillis(1_500), null, 5, 2, 100, null), LINES, Map.of(0L, "b0"),
        new JournalAnchor(T0.plusMillis(1_500), Optional.empty()));
    assertThat(messages(page)).containsExactly("line 0", "line 1", "line 2", "line 3");
    assertThat(page.moreBefore()).isFalse();
  }

  @Test
  void withoutAWindowTheNewestLinesAfterTheFilters() {
    JournalSelection.Page page = JournalSelection.select(request(null, null, 0, 0, 2, "MAIN process"), LINES,
        Map.of(0L, "b0"), null);
    assertThat(messages(page)).hasSize(2).allMatch(message -> message.startsWith("balena.service"));
    assertThat(page.moreBefore()).isFalse();
  }

  @Test
  void aBootThatIsNotKeptIsRefused() {
    JournalRequest asking = new JournalRequest(null, null, null, null, 0, 0, 10, null, null, null, "-1", null, false);
    assertThatThrownBy(() -> JournalSelection.select(asking, LINES, Map.of(0L, "b0"), null)).isInstanceOf(JournalSelection.UnknownBoot.class);
  }

  private static JournalRequest request(Instant around, String alert, int before, int after, int limit, String grep) {
    return new JournalRequest(around, alert, null, null, before, after, limit, null, null, null, null, grep, false);
  }

  private static List<String> messages(JournalSelection.Page page) {
    return page.lines().stream().map(line -> line.entry().getMessage()).toList();
  }

  private static List<StoredJournal.Line> lines() {
    List<StoredJournal.Line> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Instant at = T0.plusSeconds(i);
      String message = i == 10 || i == 15 ? "balena.service: Main process exited, code=killed, status=9/KILL" : "line " + i;
      lines.add(new StoredJournal.Line(0, JournalEntry.newBuilder().setDeviceUuid("d").setUnit("balena.service").setBootId("b0")
          .setRealtimeUs(at.toEpochMilli() * 1000).setMonotonicUs(1_000_000L * (i + 1)).setMessage(message).setPriority(6)
          .setReceivedAt(at).build(), "d|000000|" + i));
    }
    return lines;
  }
}
