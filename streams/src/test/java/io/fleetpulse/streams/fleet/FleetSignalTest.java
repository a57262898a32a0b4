package io.fleetpulse.streams.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.AlertKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FleetSignalTest {

  @Test
  void everyKindOfSignalSurvivesTheRepartitionEncoding() {
    for (FleetSignal signal : new FleetSignal[] {
        new FleetSignal("d1", "harbor", AlertKind.VPN_TLS_FAILURE, true, "CLOCK_SKEW", 1_000L, null),
        new FleetSignal("d1", "harbor", null, false, null, 2_000L, null),
        new FleetSignal("d1", "harbor", null, false, null, 3_000L, "balena.service", "UNIT_RESTART", null, null, null, 0L),
        new FleetSignal("d1", "harbor", null, false, "power-loss", 4_000L, null, "DEVICE_REBOOT", null, null, null, 0L),
        new FleetSignal("d1", "harbor", null, false, null, 5_000L, null, null, "3f2a1c0", "balenaOS 2.115.1", "check_timesync,check_memory", 4_500L),
        new FleetSignal("d1", "harbor", null, false, null, 6_000L, null, null, "unknown", null, null, 0L)}) {
      byte[] bytes = FleetSignal.serde().serializer().serialize("t", signal);
      assertThat(FleetSignal.serde().deserializer().deserialize("t", bytes)).isEqualTo(signal);
    }
  }

  @Test
  void signalsWrittenBeforeRestartsTravelledStillDecode() {
    byte[] old = String.join("\u001f", "d1", "harbor", "DNS_FAILURE", "true", "", "1000").getBytes(StandardCharsets.UTF_8);
    assertThat(FleetSignal.serde().deserializer().deserialize("t", old))
        .isEqualTo(new FleetSignal("d1", "harbor", AlertKind.DNS_FAILURE, true, null, 1_000L, null));
  }
}
