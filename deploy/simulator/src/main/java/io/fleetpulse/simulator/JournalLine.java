package io.fleetpulse.simulator;

/** One journal line a simulated device writes: which service writes it, as whom, and what. */
record JournalLine(String unit, String identifier, int pid, int priority, String transport, String message) {

  static JournalLine service(String unit, String identifier, int pid, String message) {
    return new JournalLine(unit, identifier, pid, 6, "stdout", message);
  }

  static JournalLine warning(String unit, String identifier, int pid, String message) {
    return new JournalLine(unit, identifier, pid, 4, "stdout", message);
  }

  /** systemd (PID 1) speaking about {@code unit}: journald puts it in UNIT=, from init.scope. */
  static JournalLine systemd(String unit, String message) {
    return new JournalLine(unit, "systemd", 1, 6, "journal", message);
  }

  static JournalLine kernel(int priority, String message) {
    return new JournalLine("kernel", "kernel", 0, priority, "kernel", message);
  }
}
