package io.fleetpulse.collector.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The known_hosts line the collector's client gets from a real OpenSSH server is the server's own key. */
class HostKeyScanTest {

  @TempDir
  Path dir;

  @BeforeAll
  static void peers() {
    OpenSshServer.assumeInstalled();
  }

  @Test
  void printsTheServersOwnKeyAsAKnownHostsLine() throws Exception {
    try (OpenSshServer sshd = new OpenSshServer(dir)) {
      HostKeyScan.ScannedKey scanned = HostKeyScan.scan("127.0.0.1", sshd.port(), Duration.ofSeconds(10));
      assertThat(scanned.knownHostsLine()).isEqualTo(sshd.knownHostsLine());
      assertThat(scanned.fingerprint()).startsWith("SHA256:");
    }
  }

  @Test
  void aPortWithoutAnSshServerSaysSo() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      assertThatThrownBy(() -> HostKeyScan.scan("127.0.0.1", silent.getLocalPort(), Duration.ofSeconds(2)))
          .isInstanceOf(IOException.class);
    }
  }
}
