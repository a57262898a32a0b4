package io.fleetpulse.streams.boots;

/**
 * What fleetpulse saw of one boot of a device: when it began (placed in time like every entry), how long it ran by its
 * own monotonic clock, and what its lines said about how it ended or how the boot before it ended.
 *
 * @param startedAtMs when the boot began: its earliest entry's time minus that entry's monotonic time
 * @param lastAtMs the time of the boot's newest entry
 * @param lastMonoUs the newest monotonic time seen: how long the boot had been up at its last line
 * @param evidence {@link BootEvidence} bits
 * @param underVoltageMonoUs monotonic time of the boot's latest under-voltage line, or -1
 * @param firstSeenMs when fleetpulse first saw the boot (processing time): its reboot is judged a settling time later
 * @param endingLine the line of the strongest evidence of how this boot ended; "" when none
 * @param startingLine the line of the strongest evidence of how the boot before it ended; "" when none
 */
record Boot(String bootId, long startedAtMs, long lastAtMs, long lastMonoUs, int evidence, long underVoltageMonoUs, long firstSeenMs,
            String endingLine, String startingLine) {

  static Boot first(String bootId, long atMs, long monoUs, long nowMs) {
    return new Boot(bootId, atMs - monoUs / 1000, atMs, monoUs, 0, -1, nowMs, "", "");
  }

  /** This boot after one more of its lines, which gave {@code lineEvidence} bits. */
  Boot after(long atMs, long monoUs, int lineEvidence, boolean underVoltage, String line) {
    boolean newer = monoUs >= lastMonoUs;
    return new Boot(bootId, Math.min(startedAtMs, atMs - monoUs / 1000), newer ? atMs : lastAtMs, Math.max(lastMonoUs, monoUs),
        evidence | lineEvidence, underVoltage ? Math.max(underVoltageMonoUs, monoUs) : underVoltageMonoUs, firstSeenMs,
        strongerLine(BootEvidence.Where.ENDING, lineEvidence, line, endingLine),
        strongerLine(BootEvidence.Where.STARTING, lineEvidence, line, startingLine));
  }

  /** The line of the strongest evidence written {@code where}: the new line's when it is stronger than any before. */
  private String strongerLine(BootEvidence.Where where, int lineEvidence, String line, String kept) {
    int mask = BootEvidence.writtenWhile(where);
    int fresh = lineEvidence & mask;
    return fresh != 0 && Integer.numberOfTrailingZeros(fresh) < Integer.numberOfTrailingZeros(evidence & mask) ? line : kept;
  }

  /** Whether this boot says something {@code stored} does not (not just a little more uptime). */
  boolean differsMuchFrom(Boot stored, long uptimeSlackUs) {
    return stored == null || !bootId.equals(stored.bootId) || evidence != stored.evidence || startedAtMs != stored.startedAtMs
        || underVoltageMonoUs != stored.underVoltageMonoUs || lastMonoUs - stored.lastMonoUs >= uptimeSlackUs;
  }
}
