package io.fleetpulse.api.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.Severity;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 21: chat read "Cause: UNKNOWN"; people get words, with the code beside them for searching. */
class ChatFormatTest {

  @Test
  void causesReadAsWords() {
    Alert vpn = Alert.newBuilder().setId("vpn-1").setDeviceUuid("d0000000000000000000000000000001").setFleet("f")
        .setKind(AlertKind.VPN_TLS_FAILURE).setSeverity(Severity.critical).setState(AlertState.FIRING).setSubject("openvpn.service")
        .setCause("UNKNOWN").setSummary("VPN TLS handshake failing").setStartedAt(Instant.parse("2026-12-06T10:00:00Z")).build();

    ChatFormat.ChatText text = ChatFormat.ChatText.of(vpn, IncidentFolding.Folded.NONE, "http://fleetpulse.example");

    assertThat(text.body()).contains("Cause: not visible in the journal (not the clock, not TLS interception) (UNKNOWN)");
    assertThat(ChatFormat.ChatText.causeInWords("CLOCK_SKEW")).isEqualTo("the clock is wrong (CLOCK_SKEW)");
  }

  /** Issue 20: chat messages carried the summary and hint but none of the evidence; now up to three lines, long ones cut. */
  @Test
  void firingMessagesQuoteUpToThreeEvidenceLines() {
    Alert crashloop = Alert.newBuilder().setId("c-1").setDeviceUuid("d0000000000000000000000000000001").setFleet("f")
        .setKind(AlertKind.CRASHLOOP).setSeverity(Severity.critical).setState(AlertState.FIRING).setSubject("balena.service")
        .setSummary("balena.service restarted uncleanly 2 times in 15 min").setStartedAt(Instant.parse("2026-12-06T10:00:00Z"))
        .setEvidence(List.of("balena.service: Main process exited, code=killed, status=9/KILL", "balena.service: Failed with result 'signal'.",
            "balena.service: Scheduled restart job, restart counter is at 3.", "x".repeat(500)))
        .build();

    String firing = ChatFormat.ChatText.of(crashloop, IncidentFolding.Folded.NONE, "http://fleetpulse.example").body();
    String resolved = ChatFormat.ChatText.of(Alert.newBuilder(crashloop).setState(AlertState.RESOLVED).build(), IncidentFolding.Folded.NONE,
        "http://fleetpulse.example").body();

    assertThat(firing).contains("Evidence:\n> balena.service: Main process exited, code=killed, status=9/KILL\n"
        + "> balena.service: Failed with result 'signal'.\n> balena.service: Scheduled restart job, restart counter is at 3.")
        .doesNotContain("x".repeat(10));
    assertThat(resolved).doesNotContain("Evidence:");
    Alert longLine = Alert.newBuilder(crashloop).setEvidence(List.of("y".repeat(500))).build();
    assertThat(ChatFormat.ChatText.of(longLine, IncidentFolding.Folded.NONE, "http://fleetpulse.example").body())
        .contains("> " + "y".repeat(199) + "…").doesNotContain("y".repeat(200));
  }
}
