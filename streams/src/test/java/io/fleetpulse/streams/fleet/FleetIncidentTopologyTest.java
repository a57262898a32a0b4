package io.fleetpulse.streams.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.JournalEntries;
import io.fleetpulse.streams.TopologyHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetIncidentTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

  @TempDir
  Path stateDir;

  @Test
  void halfAFleetLosingItsVpnToClockSkewIsOneIncidentNamingTheCause() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      fleetOf(topology, 16);
      for (int i = 0; i < 8; i++) {
        clockSkewedVpn(topology, device(i), T0.minusSeconds(240 - i * 10));
      }
      List<Alert> incidents = incidents(topology.alerts(), AlertKind.VPN_TLS_FAILURE);
      assertThat(incidents).as("one FIRING, opened when the fifth device joined").singleElement().satisfies(incident -> {
        assertThat(incident.getSummary()).startsWith("5 of 16 devices in fleet harbor: VPN TLS failures");
        assertThat(incident.getState()).isEqualTo(AlertState.FIRING);
      });
      KeyValueStore<String, Alert> store = topology.driver.getKeyValueStore(FleetStores.INCIDENTS);
      assertThat(store.get("harbor|VPN_TLS_FAILURE")).satisfies(incident -> {
        assertThat(incident.getState()).isEqualTo(AlertState.FIRING);
        assertThat(incident.getDeviceUuid()).isNull();
        assertThat(incident.getFleet()).isEqualTo("harbor");
        assertThat(incident.getCause()).isEqualTo("CLOCK_SKEW");
        assertThat(incident.getSummary())
            .isEqualTo("8 of 16 devices in fleet harbor: VPN TLS failures, 8 with backward clock jumps — NTP likely blocked on their network");
        assertThat(incident.getHint()).contains("UDP port 123");
      });

      topology.advanceWallClock(Duration.ofMinutes(31));
      assertThat(topology.alerts()).as("the devices' VPN alerts resolve").filteredOn(a -> a.getKind() == AlertKind.VPN_TLS_FAILURE)
          .hasSize(8).allSatisfy(a -> assertThat(a.getState()).isEqualTo(AlertState.RESOLVED));
      topology.advanceWallClock(Duration.ofMinutes(11));
      List<Alert> later = incidents(topology.alerts(), AlertKind.VPN_TLS_FAILURE);
      assertThat(later).as("devices resolved, then the window passed").singleElement()
          .satisfies(a -> assertThat(a.getState()).isEqualTo(AlertState.RESOLVED));
    }
  }

  @Test
  void fourDevicesOrUnderTwentyPercentOfTheFleetIsNoIncident() {
    try (TopologyHarness topology = new TopologyHarness(stateDir)) {
      fleetOf(topology, 30);
      for (int i = 0; i < 5; i++) {
        clockSkewedVpn(topology, device(i), T0.minusSeconds(240 - i * 10));
      }
      assertThat(incidents(topology.alerts(), AlertKind.VPN_TLS_FAILURE)).as("5 of 30 is 17 %").isEmpty();
    }
  }

  private static void fleetOf(TopologyHarness topology, int devices) {
    for (int i = 0; i < devices; i++) {
      topology.pipe(JournalEntries.service(device(i), "balena-supervisor.service", "balena-supervisor",
          "[api]     GET /v1/healthy 200 - 9.561 ms", T0.minusSeconds(600)).build());
    }
  }

  private static void clockSkewedVpn(TopologyHarness topology, String device, Instant at) {
    for (int attempt = 0; attempt < 2; attempt++) {
      JournalEntry line = JournalEntries.service(device, "openvpn.service", "openvpn",
          "VERIFY ERROR: depth=0, error=certificate is not yet valid: CN=vpn.balena-cloud.com", at.plusSeconds(attempt * 45)).build();
      topology.pipe(line);
    }
  }

  private static List<Alert> incidents(List<Alert> alerts, AlertKind kind) {
    return alerts.stream().filter(a -> a.getKind() == AlertKind.FLEET_INCIDENT && kind.name().equals(a.getSubject())).toList();
  }

  private static String device(int i) {
    return String.format("f%031x", i + 1);
  }
}
