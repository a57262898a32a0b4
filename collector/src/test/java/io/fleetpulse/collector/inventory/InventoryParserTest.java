package io.fleetpulse.collector.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InventoryParserTest {

  private static final Path FILE = Path.of("/etc/fleetpulse/inventory.yaml");
  private static final String A = "0123456789abcdef0123456789abcdef";
  private static final String B = "fedcba9876543210fedcba9876543210";

  private final InventoryParser parser = new InventoryParser();

  private DeviceInventory parse(String yaml) throws InventoryException {
    return parser.parse(FILE, yaml.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void directDevicesGetBalenaOsDefaultsAndRelativeKeysResolveNextToTheFile() throws Exception {
    DeviceInventory inventory = parse("""
        defaults:
          identityFile: keys/id_ed25519
        devices:
          - {uuid: %s, host: 10.0.0.5}
          - {uuid: %s, fleet: harbor, host: device.local, port: 2222, user: admin, identityFile: /abs/key}
        """.formatted(A, B));

    InventoryDevice first = inventory.devices().get(A);
    assertThat(first.port()).isEqualTo(22222);
    assertThat(first.user()).isEqualTo("root");
    assertThat(first.fleet()).isEqualTo("default");
    assertThat(first.identityFile()).isEqualTo(Path.of("/etc/fleetpulse/keys/id_ed25519"));
    InventoryDevice second = inventory.devices().get(B);
    assertThat(second.connectPort()).isEqualTo(2222);
    assertThat(second.connectUser()).isEqualTo("admin");
    assertThat(second.fleet()).isEqualTo("harbor");
    assertThat(second.connectIdentity()).isEqualTo(Path.of("/abs/key"));
  }

  @Test
  void proxiedDevicesAreReachedThroughTheProxy() throws Exception {
    DeviceInventory inventory = parse("""
        proxies:
          balena: {host: ssh.balena-devices.com, user: jdoe, identityFile: id_balena, command: "host -s {uuid} '{command}'"}
        devices:
          - {uuid: %s, proxy: balena}
        """.formatted(A));

    InventoryDevice device = inventory.devices().get(A);
    assertThat(device.connectHost()).isEqualTo("ssh.balena-devices.com");
    assertThat(device.connectPort()).isEqualTo(22);
    assertThat(device.connectUser()).isEqualTo("jdoe");
    assertThat(device.proxy().commandTemplate()).isEqualTo("host -s {uuid} '{command}'");
  }

  @Test
  void anEmptyFileIsAnEmptyInventory() throws Exception {
    assertThat(parse("").devices()).isEmpty();
    assertThat(parse("devices: []").devices()).isEmpty();
  }

  @Test
  void mistakesAreNamedByDeviceAndKey() {
    assertThatThrownBy(() -> parse("devices:\n  - {uuid: NOT-HEX, host: a, identityFile: k}\n"))
        .hasMessageContaining("device 1").hasMessageContaining("uuid");
    assertThatThrownBy(() -> parse("devices:\n  - {uuid: %s, identityFile: k}\n".formatted(A)))
        .hasMessageContaining("device 1 (" + A + ")").hasMessageContaining("'host' is missing");
    assertThatThrownBy(() -> parse("devices:\n  - {uuid: %s, host: a}\n".formatted(A)))
        .hasMessageContaining("identityFile").hasMessageContaining("keys only");
    assertThatThrownBy(() -> parse("devices:\n  - {uuid: %s, host: a, identityFile: k, port: 70000}\n".formatted(A)))
        .hasMessageContaining("'port' must be a number 1..65535");
    assertThatThrownBy(() -> parse("devices:\n  - {uuid: %s, host: a, identityFile: k, passwd: x}\n".formatted(A)))
        .hasMessageContaining("unknown key 'passwd'");
    assertThatThrownBy(() -> parse("devices:\n  - {uuid: %s, host: a, identityFile: k}\n  - {uuid: %s, host: b, identityFile: k}\n".formatted(A, A)))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> parse("devices:\n  - {uuid: %s, proxy: nowhere}\n".formatted(A)))
        .hasMessageContaining("proxy 'nowhere' is not defined");
    assertThatThrownBy(() -> parse("proxies:\n  p: {host: h, user: u, identityFile: k, command: \"host -s {uuid}\"}\n"))
        .hasMessageContaining("{command}");
    assertThatThrownBy(() -> parse("devices:\n  - {uuid: %s, host: \"a;rm -rf /\", identityFile: k}\n".formatted(A)))
        .hasMessageContaining("'host' has an invalid value");
    assertThatThrownBy(() -> parse("devices: [unclosed"))
        .hasMessageContaining("not valid YAML");
  }
}
