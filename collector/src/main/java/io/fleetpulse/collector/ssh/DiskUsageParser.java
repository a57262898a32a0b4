package io.fleetpulse.collector.ssh;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.schemas.DiskSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the output of {@code df -B1 --output=target,size,used,avail}: a header, then one line per
 * mount, the mount first (it may contain spaces) and three byte counts last. Lines that do not have
 * that shape are reported back rather than guessed at.
 */
public final class DiskUsageParser {

  private static final Pattern LINE = Pattern.compile("(\\S.*?)\\s+(\\d{1,19})\\s+(\\d{1,19})\\s+(\\d{1,19})");

  /** The samples read and the lines that could not be read. */
  public record Result(List<DiskSample> samples, List<String> unreadable) {}

  public Result parse(String output, DeviceRef device, Instant at) {
    List<DiskSample> samples = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (String line : output.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("Mounted on")) {
        continue;
      }
      Matcher match = LINE.matcher(trimmed);
      if (!match.matches()) {
        unreadable.add(trimmed);
        continue;
      }
      try {
        samples.add(DiskSample.newBuilder()
            .setDeviceUuid(device.uuid()).setFleet(device.fleet()).setMount(match.group(1))
            .setSizeBytes(Long.parseLong(match.group(2)))
            .setUsedBytes(Long.parseLong(match.group(3)))
            .setAvailBytes(Long.parseLong(match.group(4)))
            .setAt(at).setReceivedAt(at).setSource("ssh")
            .build());
      } catch (NumberFormatException e) {
        unreadable.add(trimmed);
      }
    }
    return new Result(samples, unreadable);
  }
}
