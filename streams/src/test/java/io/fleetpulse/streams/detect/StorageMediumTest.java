package io.fleetpulse.streams.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorageMediumTest {

  @ParameterizedTest
  @CsvSource({
      "mmc0, mmcblk0", "mmcblk0, mmcblk0", "mmcblk0p6, mmcblk0", "mmcblk1boot0, mmcblk1", "mmcblk0rpmb, mmcblk0",
      "sda, sda", "sda1, sda", "sdab12, sdab", "vdb3, vdb", "nvme0n1, nvme0n1", "nvme0n1p2, nvme0n1",
      "loop3, loop3", "dm-0, dm-0", "md127, md127"})
  void partitionsAndHostsAreTheirMedium(String name, String medium) {
    assertThat(StorageMedium.of(name)).isEqualTo(medium);
  }
}
