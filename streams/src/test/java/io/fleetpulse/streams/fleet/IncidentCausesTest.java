package io.fleetpulse.streams.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.AlertKind;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Issue 21: a VPN incident read "5 with cause UNKNOWN … What to do: look for what they share". */
class IncidentCausesTest {

  @Test
  void anUnknownCauseReadsAsWordsAndTheKindGivesAFirstStep() {
    assertThat(IncidentCauses.explain("UNKNOWN")).doesNotContain("UNKNOWN").contains("journals do not show");
    assertThat(IncidentCauses.hint(AlertKind.VPN_TLS_FAILURE, "UNKNOWN")).contains("journalctl -u openvpn");
    assertThat(IncidentCauses.hint(AlertKind.VPN_TLS_FAILURE, "CLOCK_SKEW")).contains("UDP port 123");
  }

  @Test
  void everyDeviceKindAnIncidentCanBeAboutHasAStepOfItsOwn() {
    String generic = IncidentCauses.hint(AlertKind.OTHER, null);
    // Fleet-level kinds are never a device's: no incident is about them.
    for (AlertKind kind : EnumSet.complementOf(EnumSet.of(AlertKind.OTHER, AlertKind.FLEET_INCIDENT, AlertKind.RELEASE_REGRESSION))) {
      assertThat(IncidentCauses.hint(kind, null)).as(kind.name()).isNotEqualTo(generic);
    }
  }
}
