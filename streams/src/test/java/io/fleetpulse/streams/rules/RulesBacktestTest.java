package io.fleetpulse.streams.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.kafka.JournalFixtures;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.JournalEntries;
import io.fleetpulse.streams.MasterclassJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RulesBacktestTest {

  private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");

  @Test
  void countsMatchesAndDevicesOverTheMasterclassAsAGrepWould() throws Exception {
    RulesBacktest backtest = new RulesBacktest(RulesFile.parse("""
        rules:
          - name: target_state
            match: {message: {contains: "Failed to get target state"}}
            event: TARGET_STATE_FAILED
        """));
    int expectedLines = 0;
    int expectedDevices = 0;
    List<Path> fixtures;
    try (Stream<Path> files = Files.list(JournalFixtures.dir().resolve("masterclass"))) {
      fixtures = files.filter(file -> file.toString().endsWith(".ndjson")).sorted().toList();
    }
    for (Path fixture : fixtures) {
      // The oracle: the fixture's MESSAGE fields, read as text.
      long lines = Files.readAllLines(fixture).stream().filter(line -> line.matches(".*\"MESSAGE\": \"[^\"]*Failed to get target state.*")).count();
      expectedLines += (int) lines;
      expectedDevices += lines > 0 ? 1 : 0;
      String device = String.format("%032x", fixtures.indexOf(fixture));
      MasterclassJournal.entries(fixture.getFileName().toString(), device, T0).forEach(backtest::accept);
    }

    RulesBacktest.RuleReport report = backtest.report().get(0);
    assertThat(expectedLines).isPositive();
    assertThat(report.matches()).isEqualTo(expectedLines);
    assertThat(report.devices()).isEqualTo(expectedDevices);
    assertThat(report.samples()).hasSize(3).allMatch(line -> line.contains("Failed to get target state"));
    assertThat(report.alerts()).as("a rule without alert: raises none").isEmpty();
  }

  @Test
  void alertsAreJudgedAsTheTopologyJudgesThemInTimeOrderWhateverTheOrderRead() throws Exception {
    RulesBacktest backtest = new RulesBacktest(RulesFile.parse("""
        rules:
          - name: modem_lost
            match: {message: {contains: "Modem disabled"}}
            event: MODEM_LOST
            alert: {count: 2, within: 10m, resolveAfter: 30m}
        """));
    List<JournalEntry> entries = new ArrayList<>(List.of(
        modem("d1", 0), modem("d1", 4), modem("d1", 9),
        // 46 min quiet: the first episode resolved; two more matches make a second one.
        modem("d1", 55), modem("d1", 57),
        // Two matches 11 min apart: never 2 within 10 min.
        modem("d2", 0), modem("d2", 11)));
    Collections.reverse(entries);
    entries.forEach(backtest::accept);

    RulesBacktest.RuleReport report = backtest.report().get(0);
    assertThat(report.matches()).isEqualTo(7);
    assertThat(report.devices()).isEqualTo(2);
    assertThat(report.alerts()).containsExactly(
        new RulesBacktest.WouldAlert("d1", null, T0.plus(Duration.ofMinutes(4))),
        new RulesBacktest.WouldAlert("d1", null, T0.plus(Duration.ofMinutes(57))));
    assertThat(backtest.entries()).isEqualTo(7);
  }

  private static JournalEntry modem(String device, int minute) {
    return JournalEntries.service(device, "ModemManager.service", "ModemManager", "<warn> modem[0]: Modem disabled",
        T0.plus(Duration.ofMinutes(minute))).build();
  }
}
