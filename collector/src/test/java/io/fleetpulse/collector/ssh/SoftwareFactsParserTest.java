package io.fleetpulse.collector.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.schemas.DeviceFacts;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SoftwareFactsParserTest {

  private static final DeviceRef DEVICE = new DeviceRef("a6000000000000000000000000000001", "harbor");
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  @Test
  void balenaOsReleaseAndSupervisorConfSayTheOsTypeAndSupervisor() {
    DeviceFacts facts = SoftwareFactsParser.parse("""
        ID="balena-os"
        NAME="balenaOS"
        VERSION="2.115.1+rev1"
        PRETTY_NAME="balenaOS 2.115.1+rev1"
        MACHINE="raspberrypi4-64"
        SLUG="raspberrypi4-64"
        SUPERVISOR_IMAGE=balena/aarch64-supervisor
        SUPERVISOR_TAG=v11.4.10
        """, DEVICE, NOW).orElseThrow();

    assertThat(facts.getOs()).isEqualTo("balenaOS 2.115.1+rev1");
    assertThat(facts.getDeviceType()).isEqualTo("raspberrypi4-64");
    assertThat(facts.getSupervisor()).isEqualTo("11.4.10");
    assertThat(facts.getRelease()).isNull();
    assertThat(facts.getFleet()).isEqualTo("harbor");
    assertThat(facts.getSource()).isEqualTo("ssh");
    assertThat(facts.getAt()).isEqualTo(NOW);
  }

  @Test
  void aDebianHostWithoutSupervisorGivesItsOsAndNothingElse() {
    DeviceFacts facts = SoftwareFactsParser.parse("""
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        """, DEVICE, NOW).orElseThrow();

    assertThat(facts.getOs()).isEqualTo("Debian GNU/Linux 12 (bookworm)");
    assertThat(facts.getSupervisor()).isNull();
    assertThat(facts.getDeviceType()).isNull();
  }

  @Test
  void nothingReadableIsNoFactsAndAbsurdValuesAreLeftOut() {
    assertThat(SoftwareFactsParser.parse("cat: /etc/os-release: No such file or directory\n", DEVICE, NOW)).isEmpty();
    assertThat(SoftwareFactsParser.parse("PRETTY_NAME=\"" + "x".repeat(200) + "\"\nSLUG=rpi\u0007\n", DEVICE, NOW)).isEmpty();
    assertThat(SoftwareFactsParser.parse("NAME=balenaOS\nVERSION=2.88.4\n", DEVICE, NOW).orElseThrow().getOs()).isEqualTo("balenaOS 2.88.4");
  }
}
