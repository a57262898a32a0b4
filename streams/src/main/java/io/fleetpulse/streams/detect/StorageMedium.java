package io.fleetpulse.streams.detect;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The physical storage medium a kernel name belongs to: one failing SD card shows up as its MMC host ({@code mmc0}),
 * the card ({@code mmcblk0}) and its partitions ({@code mmcblk0p6}), and is one problem, so one STORAGE_ERRORS alert.
 * Partitions map to their disk ({@code sda1} → {@code sda}, {@code nvme0n1p2} → {@code nvme0n1}); an MMC host to the
 * card in it ({@code mmcN} → {@code mmcblkN}, as the kernel numbers them on single-slot boards like the Raspberry Pi).
 * Names it does not know are their own medium.
 */
final class StorageMedium {

  private record Rule(Pattern name, String medium) {}

  private static final List<Rule> RULES = List.of(
      new Rule(Pattern.compile("mmcblk(\\d+)(?:p\\d+|boot\\d+|rpmb)?"), "mmcblk$1"),
      new Rule(Pattern.compile("mmc(\\d+)"), "mmcblk$1"),
      new Rule(Pattern.compile("nvme(\\d+)n(\\d+)(?:p\\d+)?"), "nvme$1n$2"),
      new Rule(Pattern.compile("((?:sd|vd|hd|xvd)[a-z]+)\\d*"), "$1"));

  private StorageMedium() {}

  /** The medium {@code name} is part of; null stays null (a line that named no device). */
  static String of(String name) {
    if (name == null) {
      return null;
    }
    for (Rule rule : RULES) {
      Matcher matcher = rule.name().matcher(name);
      if (matcher.matches()) {
        return matcher.replaceFirst(rule.medium());
      }
    }
    return name;
  }
}
