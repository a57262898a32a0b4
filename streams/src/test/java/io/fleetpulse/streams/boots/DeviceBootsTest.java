package io.fleetpulse.streams.boots;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeviceBootsTest {

  @Test
  void aDevicesBootsSurviveTheStoreWithEveryField() {
    Boot previous = new Boot("054b9c6810cb216d21980aefe44dc7ef", 1_579_255_071_000L, 1_579_255_143_000L, 72_000_000L,
        BootEvidence.SHUTDOWN.bit(), 65_000_000L, 1_796_000_000_000L, "Reached target System Reboot.", "");
    Boot current = new Boot("9f1b7c2e5d4a4c0e8b3f6a1d2c7e9b40", 1_579_255_168_000L, 1_579_255_322_000L, 150_000_000L,
        BootEvidence.ROLLBACK.bit(), -1, 1_796_000_025_000L, "", "Rollback: falling back — ünïcode");
    DeviceBoots boots = new DeviceBoots("harbor", previous, current, false);

    byte[] bytes = DeviceBoots.serde().serializer().serialize("device-boots", boots);

    assertThat(DeviceBoots.serde().deserializer().deserialize("device-boots", bytes)).isEqualTo(boots);
    DeviceBoots firstBoot = new DeviceBoots("harbor", null, current, true);
    assertThat(DeviceBoots.serde().deserializer().deserialize("device-boots",
        DeviceBoots.serde().serializer().serialize("device-boots", firstBoot))).isEqualTo(firstBoot);
  }

  @Test
  void aBootKeepsTheLineOfItsStrongestEvidenceOfEachKind() {
    Boot boot = Boot.first("b", 10_000, 1_000_000, 0)
        .after(20_000, 11_000_000, BootEvidence.WATCHDOG.bit(), false, "watchdog: BUG: soft lockup")
        .after(30_000, 21_000_000, BootEvidence.SHUTDOWN.bit(), false, "System is rebooting.")
        .after(31_000, 22_000_000, BootEvidence.SHUTDOWN.bit(), false, "Journal stopped")
        .after(32_000, 23_000_000, 0, true, "");

    assertThat(boot.endingLine()).isEqualTo("System is rebooting.");
    assertThat(boot.startingLine()).isEmpty();
    assertThat(boot.underVoltageMonoUs()).isEqualTo(23_000_000L);
    assertThat(boot.lastMonoUs()).isEqualTo(23_000_000L);
    assertThat(boot.startedAtMs()).isEqualTo(9_000);
  }
}
