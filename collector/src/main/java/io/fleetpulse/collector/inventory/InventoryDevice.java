package io.fleetpulse.collector.inventory;

import io.fleetpulse.collector.journal.DeviceRef;
import java.nio.file.Path;

/**
 * One device the collector tails over SSH, and how to reach it: either directly (its host, port
 * 22222 by default, user root) or through an SSH proxy such as balena's ({@code proxy} not null),
 * in which case host, port, user and identity are the proxy's.
 */
public record InventoryDevice(String uuid, String fleet, String host, int port, String user, Path identityFile, SshProxy proxy) {

  public DeviceRef ref() {
    return new DeviceRef(uuid, fleet);
  }

  /** Where the SSH connection goes: the proxy's address when there is one. */
  public String connectHost() {
    return proxy == null ? host : proxy.host();
  }

  public int connectPort() {
    return proxy == null ? port : proxy.port();
  }

  public String connectUser() {
    return proxy == null ? user : proxy.user();
  }

  public Path connectIdentity() {
    return proxy == null ? identityFile : proxy.identityFile();
  }
}
