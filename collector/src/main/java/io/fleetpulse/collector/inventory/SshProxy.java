package io.fleetpulse.collector.inventory;

import java.nio.file.Path;

/**
 * An SSH proxy that forwards a command to a device, such as balena's
 * {@code ssh USER@ssh.balena-devices.com host -s UUID 'command'}. The template must contain
 * {@code {uuid}} and {@code {command}}; it comes from the operator's inventory, never from a device.
 */
public record SshProxy(String name, String host, int port, String user, Path identityFile, String commandTemplate) {

  public static final String UUID_PLACEHOLDER = "{uuid}";
  public static final String COMMAND_PLACEHOLDER = "{command}";
}
