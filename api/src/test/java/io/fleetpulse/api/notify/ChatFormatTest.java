package io.fleetpulse.api.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.Severity;
import java.time.Instant;
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
}
