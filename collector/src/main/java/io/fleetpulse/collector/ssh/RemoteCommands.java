package io.fleetpulse.collector.ssh;

import io.fleetpulse.collector.inventory.InventoryDevice;
import io.fleetpulse.collector.inventory.SshProxy;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The only commands the collector ever runs on a device: reading the journal and reading disk usage.
 * They are built from fixed templates; the only device-supplied value, the journal cursor, is
 * checked to be a plain cursor before it is used. Support must never alter a device, so the
 * configurable journalctl invocation may only add options that choose which journal is read.
 */
public final class RemoteCommands {

  /** journalctl options an operator may add: they select a journal, they do not change anything. */
  private static final List<String> SELECTING_OPTIONS = List.of("--file=", "--directory=", "--root=", "--namespace=", "--merge");
  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_./=:@-]+");
  private static final Pattern MOUNT = Pattern.compile("/[A-Za-z0-9_./-]*");

  private final String journalctl;
  private final String diskMounts;

  /**
   * @param journalctl how to invoke journalctl, e.g. {@code journalctl} or {@code journalctl --file=/var/log/x.journal}
   * @param mounts the mount points whose usage is sampled
   */
  public RemoteCommands(String journalctl, List<String> mounts) {
    this.journalctl = checkJournalctl(journalctl);
    for (String mount : mounts) {
      if (!MOUNT.matcher(mount).matches() || mount.contains("..")) {
        throw new IllegalArgumentException("disk mount must be an absolute path of letters, digits and ._-/, got '" + mount + "'");
      }
    }
    if (mounts.isEmpty()) {
      throw new IllegalArgumentException("at least one disk mount is needed");
    }
    this.diskMounts = String.join(" ", mounts);
  }

  /**
   * The entries after {@code cursor} (all entries if null) up to the journal's current end, across
   * boots, then exit. Run before following, because since systemd 250 {@code --follow} can imply the
   * current boot, which would skip what a device wrote after the cursor before it rebooted.
   */
  public String catchUp(String cursor) {
    return journalctl + " --all --output=json" + afterCursor(cursor);
  }

  /** Follow new entries after {@code cursor}, or from the journal's beginning if there is none. */
  public String follow(String cursor) {
    return journalctl + " --follow --all --output=json" + (cursor == null ? " --lines=all" : afterCursor(cursor));
  }

  /** The journal's last entry (nothing if it is empty), whose cursor is where "from now on" starts. */
  public String lastEntry() {
    return journalctl + " --lines=1 --output=json";
  }

  public String diskUsage() {
    return "df -B1 --output=target,size,used,avail " + diskMounts;
  }

  /** What the device runs: its OS release and its supervisor's configuration, read, never changed. */
  public String softwareFacts() {
    return "cat /etc/os-release /etc/balena-supervisor/supervisor.conf";
  }

  /** The command as sent over the device's SSH connection: through its proxy's template if it has one. */
  public static String forDevice(InventoryDevice device, String command) {
    SshProxy proxy = device.proxy();
    if (proxy == null) {
      return command;
    }
    return proxy.commandTemplate().replace(SshProxy.UUID_PLACEHOLDER, device.uuid()).replace(SshProxy.COMMAND_PLACEHOLDER, command);
  }

  private static String afterCursor(String cursor) {
    if (cursor == null) {
      return "";
    }
    if (!JournalCursor.isValid(cursor)) {
      throw new IllegalArgumentException("refusing to use a malformed journal cursor: '" + cursor + "'");
    }
    return " --after-cursor=\"" + cursor + "\"";
  }

  private static String checkJournalctl(String command) {
    String[] words = command.trim().split(" +");
    if (!(words[0].equals("journalctl") || (words[0].startsWith("/") && words[0].endsWith("/journalctl")))) {
      throw new IllegalArgumentException("the journalctl command must start with journalctl or its absolute path, got '" + command + "'");
    }
    for (int i = 0; i < words.length; i++) {
      String word = words[i];
      if (!WORD.matcher(word).matches()) {
        throw new IllegalArgumentException("the journalctl command may only contain letters, digits and _./=:@-, got '" + word + "'");
      }
      if (i > 0 && SELECTING_OPTIONS.stream().noneMatch(word::startsWith)) {
        throw new IllegalArgumentException("journalctl option '" + word + "' is not allowed; only options that select a journal may be added: "
            + String.join(" ", SELECTING_OPTIONS));
      }
    }
    return String.join(" ", words);
  }
}
