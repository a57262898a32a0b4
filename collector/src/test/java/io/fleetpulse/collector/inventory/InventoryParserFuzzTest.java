package io.fleetpulse.collector.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing (Jazzer) of the SSH device inventory's YAML: an inventory or an
 * {@link InventoryException} naming the problem, never another exception.
 */
class InventoryParserFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void inventoryYaml(byte[] input) {
    try {
      DeviceInventory inventory = new InventoryParser().parse(Path.of("/etc/fleetpulse/inventory.yaml"), input);
      assertThat(inventory.devices()).allSatisfy((uuid, device) -> assertThat(device.connectHost()).isNotBlank());
    } catch (InventoryException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    }
  }
}
