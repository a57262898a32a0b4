package io.fleetpulse.collector.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetpulse.collector.inventory.InventoryDevice;
import io.fleetpulse.collector.inventory.SshProxy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteCommandsTest {

  private static final String CURSOR = "s=43308fb4820f45b4a0326167fee2c9e7;i=2;b=0123456789abcdef0123456789abcdef;m=2;t=661449683579e;x=21cfba1c64f651f0";
  private final RemoteCommands commands = new RemoteCommands("journalctl", SshTailSettings.DEFAULT_MOUNTS);

  @Test
  void readsTheJournalFromTheCursorFirstToItsEndThenFollowing() {
    assertThat(commands.catchUp(CURSOR)).isEqualTo("journalctl --all --output=json --after-cursor=\"" + CURSOR + "\"");
    assertThat(commands.follow(CURSOR)).isEqualTo("journalctl --follow --all --output=json --after-cursor=\"" + CURSOR + "\"");
    assertThat(commands.follow(null)).isEqualTo("journalctl --follow --all --output=json --lines=all");
    assertThat(commands.lastEntry()).isEqualTo("journalctl --lines=1 --output=json");
    assertThat(commands.catchUp(null)).isEqualTo("journalctl --all --output=json");
    assertThat(commands.diskUsage()).isEqualTo("df -B1 --output=target,size,used,avail /mnt/data /mnt/state");
  }

  @Test
  void aCursorFromTheDeviceNeverReachesTheShellUnlessItIsAPlainCursor() {
    assertThatThrownBy(() -> commands.follow("s=1;i=2\"; reboot; echo \"")).hasMessageContaining("malformed journal cursor");
    assertThatThrownBy(() -> commands.catchUp("$(reboot)")).hasMessageContaining("malformed journal cursor");
  }

  @Test
  void onlyJournalSelectingOptionsMayBeAddedToJournalctl() {
    assertThat(new RemoteCommands("journalctl --file=/var/log/a.journal", List.of("/")).catchUp(null))
        .isEqualTo("journalctl --file=/var/log/a.journal --all --output=json");
    assertThat(new RemoteCommands("/usr/bin/journalctl --directory=/var/log/journal", List.of("/")).follow(null)).startsWith("/usr/bin/journalctl ");
    assertThatThrownBy(() -> new RemoteCommands("journalctl --vacuum-size=1", List.of("/"))).hasMessageContaining("not allowed");
    assertThatThrownBy(() -> new RemoteCommands("journalctl --rotate", List.of("/"))).hasMessageContaining("not allowed");
    assertThatThrownBy(() -> new RemoteCommands("rm -rf /", List.of("/"))).hasMessageContaining("must start with journalctl");
    assertThatThrownBy(() -> new RemoteCommands("journalctl;reboot", List.of("/"))).hasMessageContaining("must start with journalctl");
    assertThatThrownBy(() -> new RemoteCommands("journalctl --file=/a`reboot`", List.of("/"))).hasMessageContaining("may only contain");
    assertThatThrownBy(() -> new RemoteCommands("journalctl", List.of("/mnt/data;reboot"))).hasMessageContaining("disk mount");
  }

  @Test
  void aProxiedDeviceGetsTheCommandWrappedInTheProxyTemplate() {
    SshProxy proxy = new SshProxy("balena", "ssh.balena-devices.com", 22, "jdoe", Path.of("k"), "host -s {uuid} '{command}'");
    InventoryDevice device = new InventoryDevice("0123456789abcdef0123456789abcdef", "f", null, 0, null, null, proxy);
    assertThat(RemoteCommands.forDevice(device, commands.follow(CURSOR)))
        .isEqualTo("host -s 0123456789abcdef0123456789abcdef 'journalctl --follow --all --output=json --after-cursor=\"" + CURSOR + "\"'");
    InventoryDevice direct = new InventoryDevice("0123456789abcdef0123456789abcdef", "f", "h", 22222, "root", Path.of("k"), null);
    assertThat(RemoteCommands.forDevice(direct, commands.diskUsage())).isEqualTo(commands.diskUsage());
  }

  @Test
  void theSeqnumIsReadFromTheCursor() {
    assertThat(JournalCursor.seqnum(CURSOR)).isEqualTo(2);
    assertThat(JournalCursor.isValid(CURSOR)).isTrue();
    assertThat(JournalCursor.isValid("")).isFalse();
  }
}
