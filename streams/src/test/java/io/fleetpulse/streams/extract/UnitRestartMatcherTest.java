package io.fleetpulse.streams.extract;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.JournalEntries;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UnitRestartMatcherTest {

  private final UnitRestartMatcher matcher = new UnitRestartMatcher();

  @Test
  void sigkillOfTheEngineIsAnUncleanRestart() {
    // The masterclass, section 2.1: kill -9 of balenad.
    MatchedEvent event = match("balena.service", "balena.service: Main process exited, code=killed, status=9/KILL").orElseThrow();

    assertThat(event.kind()).isEqualTo(EventKind.UNIT_RESTART);
    assertThat(event.unit()).isEqualTo("balena.service");
    assertThat(event.details()).containsEntry("clean", "false").containsEntry("result", "signal").containsEntry("signal", "KILL")
        .doesNotContainKey("exitCode");
    assertThat(event.summary()).isEqualTo("balena.service was killed by SIGKILL (unclean)");
  }

  @Test
  void exitWithStatusZeroIsClean() {
    MatchedEvent event = match("chronyd.service", "chronyd.service: Main process exited, code=exited, status=0/SUCCESS").orElseThrow();

    assertThat(event.details()).containsEntry("clean", "true").containsEntry("result", "success").containsEntry("exitCode", "0");
    assertThat(event.summary()).endsWith("(clean)");
  }

  @Test
  void nonZeroExitAndCoreDumpAreUnclean() {
    assertThat(match("openvpn.service", "openvpn.service: Main process exited, code=exited, status=1/FAILURE").orElseThrow().details())
        .containsEntry("clean", "false").containsEntry("result", "exit-code").containsEntry("exitCode", "1");
    assertThat(match("os-config.service", "os-config.service: Main process exited, code=dumped, status=11/SEGV").orElseThrow().details())
        .containsEntry("clean", "false").containsEntry("result", "core-dump").containsEntry("signal", "SEGV");
  }

  @Test
  void oldUnitNamesAreReportedUnderTheirCurrentName() {
    MatchedEvent event = match("resin-supervisor.service",
        "resin-supervisor.service: Main process exited, code=exited, status=143/n/a").orElseThrow();
    assertThat(event.unit()).isEqualTo("balena-supervisor.service");
  }

  @Test
  void onlySystemdSpeaksForUnits() {
    JournalEntry fromAnApp = JournalEntries.systemd("d0000000000000000000000000000001", "balena.service",
            "balena.service: Main process exited, code=killed, status=9/KILL", Instant.now())
        .setSyslogIdentifier("2da77adc4b3d").setPid(4242).build();
    assertThat(matcher.match(fromAnApp)).isEmpty();
  }

  @Test
  void otherSystemdLinesAreNotRestarts() {
    assertThat(match("balena.service", "balena.service: Failed with result 'signal'.")).isEmpty();
    assertThat(match("balena.service", "Started Balena Application Container Engine.")).isEmpty();
  }

  private Optional<MatchedEvent> match(String unit, String message) {
    return matcher.match(JournalEntries.systemd("d0000000000000000000000000000001", unit, message, Instant.now()).build());
  }
}
