package io.fleetpulse.api.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.Severity;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 20: a device whose clock broke the VPN's TLS got two chat messages, TIME_JUMP and VPN_TLS_FAILURE; one problem, one message. */
class RootCauseFoldingTest {

  private final RootCauseFolding folding = new RootCauseFolding();

  @Test
  void theVpnFailingBecauseOfTheClockIsPartOfTheClocksMessage() {
    assertThat(show(alert("clock", "d1", AlertKind.TIME_JUMP, null, AlertState.FIRING))).isEqualTo(RootCauseFolding.Consequences.NONE);
    assertThat(folding.fold(alert("vpn", "d1", AlertKind.VPN_TLS_FAILURE, "CLOCK_SKEW", AlertState.FIRING))).isTrue();
    assertThat(folding.fold(alert("vpn", "d1", AlertKind.VPN_TLS_FAILURE, "CLOCK_SKEW", AlertState.RESOLVED))).isTrue();

    RootCauseFolding.Consequences consequences = show(alert("clock", "d1", AlertKind.TIME_JUMP, null, AlertState.RESOLVED));

    assertThat(consequences).isEqualTo(new RootCauseFolding.Consequences(List.of("VPN_TLS_FAILURE"), List.of()));
    assertThat(ChatFormat.ChatText.consequences(consequences)).isEqualTo("Part of this problem and resolved with it: VPN_TLS_FAILURE.");
  }

  @Test
  void aConsequenceWithoutItsRootPostedIsPostedOnItsOwn() {
    // The clock was wrong from boot (NTP blocked): no step, no TIME_JUMP; the VPN alert is the only message.
    assertThat(folding.fold(alert("vpn", "d2", AlertKind.VPN_TLS_FAILURE, "CLOCK_SKEW", AlertState.FIRING))).isFalse();
    // Another device's clock, another cause: not folded either.
    show(alert("clock", "d3", AlertKind.TIME_JUMP, null, AlertState.FIRING));
    assertThat(folding.fold(alert("vpn", "d2", AlertKind.VPN_TLS_FAILURE, "CLOCK_SKEW", AlertState.FIRING))).isFalse();
    assertThat(folding.fold(alert("vpn3", "d3", AlertKind.VPN_TLS_FAILURE, "TLS_INTERCEPTION", AlertState.FIRING))).isFalse();
  }

  @Test
  void aConsequenceStillFailingWhenItsRootResolvesIsFollowedOnItsOwn() {
    show(alert("dns", "d4", AlertKind.DNS_FAILURE, null, AlertState.FIRING));
    assertThat(folding.fold(alert("vpn", "d4", AlertKind.VPN_TLS_FAILURE, "DNS", AlertState.FIRING))).isTrue();

    RootCauseFolding.Consequences consequences = show(alert("dns", "d4", AlertKind.DNS_FAILURE, null, AlertState.RESOLVED));

    assertThat(consequences.stillFailing()).containsExactly("VPN_TLS_FAILURE");
    assertThat(ChatFormat.ChatText.consequences(consequences)).isEqualTo("Still failing, followed on its own from now on: VPN_TLS_FAILURE.");
    assertThat(folding.fold(alert("vpn", "d4", AlertKind.VPN_TLS_FAILURE, "DNS", AlertState.RESOLVED))).as("its resolution is posted").isFalse();
  }

  /** An alert the route posts: not folded, then posting. */
  private RootCauseFolding.Consequences show(Alert alert) {
    assertThat(folding.fold(alert)).isFalse();
    return folding.posting(alert);
  }

  private static Alert alert(String id, String device, AlertKind kind, String cause, AlertState state) {
    return Alert.newBuilder().setId(id + "-" + device).setDeviceUuid(device).setFleet("f").setKind(kind).setSeverity(Severity.warning)
        .setState(state).setCause(cause).setSummary(kind.name()).setStartedAt(Instant.parse("2026-12-07T08:00:00Z")).build();
  }
}
