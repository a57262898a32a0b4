package io.fleetpulse.collector.ssh;

import java.io.IOException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;

/**
 * What {@code ssh-keyscan} does, for the collector: the host key a device (or balena's proxy) presents to the
 * collector's SSH client, its fingerprint to compare with the device's own, and the known_hosts line to add. The key
 * is only reported, never trusted: the connection ends before any login.
 */
public final class HostKeyScan {

  /** A presented host key: the line for known_hosts, and the fingerprint an operator checks it by. */
  public record ScannedKey(String knownHostsLine, String keyType, String fingerprint) {}

  private HostKeyScan() {}

  public static ScannedKey scan(String host, int port, Duration timeout) throws IOException {
    AtomicReference<PublicKey> presented = new AtomicReference<>();
    try (SshClient client = SshClient.setUpDefaultClient()) {
      // Accepted only to finish the key exchange and read it; the session goes no further than the login prompt.
      client.setServerKeyVerifier((session, remote, key) -> {
        presented.set(key);
        return true;
      });
      client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
      client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
      // As SshTailer: sntrup761 costs seconds of CPU per handshake in pure Java.
      client.setKeyExchangeFactories(client.getKeyExchangeFactories().stream()
          .filter(factory -> !factory.getName().startsWith("sntrup")).toList());
      client.start();
      try (ClientSession session = client.connect("fleetpulse-keyscan", host, port).verify(timeout).getSession()) {
        session.waitFor(EnumSet.of(ClientSessionEvent.WAIT_AUTH, ClientSessionEvent.CLOSED), timeout);
      }
    }
    PublicKey key = presented.get();
    if (key == null) {
      throw new IOException(host + ":" + port + " closed the connection before presenting a host key (is it an SSH server?)");
    }
    String hostPattern = port == 22 ? host : "[" + host + "]:" + port;
    return new ScannedKey(hostPattern + " " + PublicKeyEntry.toString(key), KeyUtils.getKeyType(key), KeyUtils.getFingerPrint(key));
  }
}
