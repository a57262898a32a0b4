package io.fleetpulse.streams.boots;

import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.extract.Keywords;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What a boot's journal says about how the boot before it ended, or how it itself is ending. Each kind of evidence is
 * a line real devices print: systemd's own shutdown sequence, the kernel's lockup and panic reports, the pstore
 * archive of a panic found at the next boot, balenaOS's host OS update and its rollback services. The
 * under-voltage evidence is the UNDER_VOLTAGE event the signature table already makes, not a second match here.
 *
 * <p>The constants are in order of strength: where a boot shows several, the first decides the reboot's reason (an
 * update's reboot is also a clean shutdown; a lockup the device recovered from and then rebooted cleanly is clean).
 */
public enum BootEvidence {

  /** balenaOS's rollback services put the previous OS back: the update failed. */
  ROLLBACK(Where.STARTING, Sources.unitOrIdentifier("rollback-health", "rollback-altboot"), Keywords.anyOf("rollback", "roll back", "falling back"),
      "\\b(rollback|roll back)\\b.*\\b(trigger|start|perform)|\\btriggered\\b|\\bfalling back\\b|\\brolling back\\b"),

  /** A host OS update (balenaOS hostapp-update, run only to update) wrote anything in the boot: a reboot into the new OS follows. */
  OS_UPDATE(Where.ENDING, Sources.unitOrIdentifier("hostapp-update", "balena-hostapp-update", "resin-hostapp-update",
      "balenahup", "resinhup"), null, "."),

  /** At the next boot, the panic the kernel left in pstore (ramoops) is found and archived. */
  PANIC_RECORDED(Where.STARTING, Sources.identifier("systemd-pstore").or(Sources.KERNEL),
      Keywords.anyOf("ramoops", "pstore", "kernel panic"),
      "\\bdmesg-(ramoops|efi)-\\d+|\\bKernel panic - not syncing|\\bpstore: .*\\b(panic|oops)\\b"),

  /** The kernel panicked (lines that reached the journal before it stopped). */
  KERNEL_PANIC(Where.ENDING, Sources.KERNEL, Keywords.anyOf("kernel panic", "oops", "unable to handle kernel"),
      "\\bKernel panic - not syncing|\\bInternal error: Oops|\\bUnable to handle kernel (NULL pointer|paging request)"),

  /** The next boot's firmware or kernel names a watchdog as the reset's cause. */
  WATCHDOG_RESET(Where.STARTING, Sources.KERNEL.or(Sources.SYSTEMD), Keywords.anyOf("watchdog", "wdog", "wdt"),
      "\\b(reset|boot) (reason|cause)\\b.*\\b(watchdog|wdog|wdt)\\b|\\blast reset\\b.*\\bwatchdog|\\bwatchdog reset\\b"),

  /** The boot ended with systemd's shutdown sequence: someone or something asked for the reboot. */
  SHUTDOWN(Where.ENDING, Sources.SYSTEMD.or(Sources.identifier("systemd-logind", "systemd-journald", "systemd-shutdown")),
      Keywords.anyOf("reached target", "system is ", "shutting down", "journal stopped", "systemd-shutdown"),
      "\\b(Reached target (System )?(Reboot|Power-?Off|Shutdown|Halt|Final Step|Late Shutdown Services)|"
          + "System is (rebooting|powering down|halting)|Shutting down\\.?$|Journal stopped|"
          + "Received SIGTERM from PID 1 \\(systemd-shutdown\\))"),

  /** The kernel stopped making progress: a hardware watchdog reset follows. */
  WATCHDOG(Where.ENDING, Sources.KERNEL.or(Sources.SYSTEMD), Keywords.anyOf("watchdog", "lockup"),
      "\\bwatchdog: (BUG: soft lockup|Watchdog detected hard LOCKUP)|\\bwatchdog did not stop|"
          + "\\bhardware watchdog (expired|timed? ?out)");

  /** Whether the evidence is written while a boot ends, or early in the boot that follows. */
  enum Where { ENDING, STARTING }

  /** Which programs' lines each kind of evidence reads (a class of its own: enum constants cannot use the enum's statics). */
  private static final class Sources {
    static final Predicate<JournalEntry> KERNEL = entry -> "kernel".equals(entry.getUnit()) || "kernel".equals(entry.getTransport());
    static final Predicate<JournalEntry> SYSTEMD =
        entry -> Integer.valueOf(1).equals(entry.getPid()) || "systemd".equals(entry.getSyslogIdentifier());

    // An entry may have no SYSLOG_IDENTIFIER (kernel lines, anything journald took from stdout): List.contains(null) throws.
    static Predicate<JournalEntry> identifier(String... names) {
      List<String> accepted = List.of(names);
      return entry -> entry.getSyslogIdentifier() != null && accepted.contains(entry.getSyslogIdentifier());
    }

    static Predicate<JournalEntry> unitOrIdentifier(String... names) {
      List<String> accepted = List.of(names);
      return entry -> accepted.contains(Topics.canonicalUnitShortName(entry.getUnit()))
          || entry.getSyslogIdentifier() != null && accepted.contains(entry.getSyslogIdentifier());
    }
  }

  private static final List<BootEvidence> ALL = List.of(values());

  final Where where;
  private final Predicate<JournalEntry> source;
  /** Words the line cannot lack, checked before the pattern; null where the source alone says enough. */
  private final Keywords keywords;
  private final Pattern pattern;

  BootEvidence(Where where, Predicate<JournalEntry> source, Keywords keywords, String regex) {
    this.where = where;
    this.source = source;
    this.keywords = keywords;
    this.pattern = Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
  }

  int bit() {
    return 1 << ordinal();
  }

  /** The evidence one line gives, as bits; 0 for almost every line (the source and keyword checks reject it). */
  static int of(JournalEntry entry) {
    String message = entry.getMessage();
    if (message == null) {
      return 0;
    }
    int bits = 0;
    for (BootEvidence evidence : ALL) {
      if (evidence.source.test(entry) && (evidence.keywords == null || evidence.keywords.foundIn(message)) && evidence.pattern.matcher(message).find()) {
        bits |= evidence.bit();
      }
    }
    return bits;
  }

  boolean in(int bits) {
    return (bits & bit()) != 0;
  }

  /** The bits of every evidence written {@code where}. */
  static int writtenWhile(Where where) {
    int bits = 0;
    for (BootEvidence evidence : ALL) {
      if (evidence.where == where) {
        bits |= evidence.bit();
      }
    }
    return bits;
  }
}
