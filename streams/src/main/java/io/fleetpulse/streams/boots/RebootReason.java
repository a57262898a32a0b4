package io.fleetpulse.streams.boots;

import java.time.Duration;

/** Why a device rebooted, as CONTRACT.md names the reasons of a DEVICE_REBOOT event. */
public enum RebootReason {
  CLEAN("clean", "rebooted after a clean shutdown"),
  POWER_LOSS("power-loss", "lost power: the previous boot's journal just stops"),
  UNDER_VOLTAGE("under-voltage", "lost power after under-voltage warnings: check the power supply"),
  WATCHDOG("watchdog", "was reset by its watchdog"),
  KERNEL_PANIC("kernel-panic", "rebooted after a kernel panic"),
  OS_UPDATE("os-update", "rebooted into a host OS update"),
  UNKNOWN("unknown", "rebooted; its previous boot went quiet long before, so how it ended is unknown");

  /** Under-voltage this close to a boot's last line is taken as what ended it. */
  static final Duration UNDER_VOLTAGE_BEFORE_END = Duration.ofMinutes(10);
  /** A previous boot whose last line came this long before the next boot began ended unseen. */
  static final Duration UNSEEN_END = Duration.ofMinutes(10);

  private static final int ENDING = BootEvidence.writtenWhile(BootEvidence.Where.ENDING);
  private static final int STARTING = BootEvidence.writtenWhile(BootEvidence.Where.STARTING);

  public final String wireName;
  final String description;

  RebootReason(String wireName, String description) {
    this.wireName = wireName;
    this.description = description;
  }

  /** The reason {@code next} began after {@code previous}, and the evidence that says so. */
  static Judgement judge(Boot previous, Boot next) {
    int evidence = (previous.evidence() & ENDING) | (next.evidence() & STARTING);
    BootEvidence strongest = evidence == 0 ? null : BootEvidence.values()[Integer.numberOfTrailingZeros(evidence)];
    String line = strongest == null ? "" : strongest.where == BootEvidence.Where.ENDING ? previous.endingLine() : next.startingLine();
    boolean underVoltageAtEnd = previous.underVoltageMonoUs() >= 0
        && previous.lastMonoUs() - previous.underVoltageMonoUs() <= UNDER_VOLTAGE_BEFORE_END.toNanos() / 1000;
    if (strongest != null && strongest.ordinal() < BootEvidence.SHUTDOWN.ordinal()) {
      return new Judgement(switch (strongest) {
        case ROLLBACK, OS_UPDATE -> OS_UPDATE;
        case PANIC_RECORDED, KERNEL_PANIC -> KERNEL_PANIC;
        default -> WATCHDOG;
      }, line, BootEvidence.ROLLBACK.in(evidence));
    }
    if (strongest == BootEvidence.SHUTDOWN) {
      return new Judgement(CLEAN, line, false);
    }
    if (underVoltageAtEnd) {
      return new Judgement(UNDER_VOLTAGE, "", false);
    }
    if (strongest == BootEvidence.WATCHDOG) {
      return new Judgement(WATCHDOG, line, false);
    }
    boolean endSeen = next.startedAtMs() - previous.lastAtMs() <= UNSEEN_END.toMillis();
    return new Judgement(endSeen ? POWER_LOSS : UNKNOWN, "", false);
  }

  /** A reason, the line that gave it away ("" when the absence of lines did), and whether the OS was rolled back. */
  record Judgement(RebootReason reason, String line, boolean rollback) {}
}
