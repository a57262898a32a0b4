package io.fleetpulse.bench;

/** A realistic {@code journalctl -o json} line of balenaOS's container engine (about 1 KiB). */
final class JournalLine {

  private static final long EPOCH_US = 1_764_000_000_000_000L;
  private static final String BOOT = "6a1f0c2e9d3b4e5fa1b2c3d4e5f60718";
  private static final String FIXED_FIELDS = "\"_BOOT_ID\":\"" + BOOT + "\",\"PRIORITY\":\"6\",\"_UID\":\"0\",\"_GID\":\"0\","
      + "\"_CAP_EFFECTIVE\":\"1ffffffffff\",\"_MACHINE_ID\":\"0f1e2d3c4b5a69788796a5b4c3d2e1f0\",\"_HOSTNAME\":\"a1b2c3d\","
      + "\"_TRANSPORT\":\"stdout\",\"_STREAM_ID\":\"3f0c9b1e2d4a4b6c8e7f6a5b4c3d2e1f\",\"SYSLOG_FACILITY\":\"3\","
      + "\"SYSLOG_IDENTIFIER\":\"balenad\",\"_PID\":\"1043\",\"_COMM\":\"balenad\",\"_EXE\":\"/usr/bin/balenad\","
      + "\"_CMDLINE\":\"/usr/bin/balenad --experimental --log-driver=journald -H fd:// -H unix:///var/run/balena.sock\","
      + "\"_SYSTEMD_CGROUP\":\"/system.slice/balena.service\",\"_SYSTEMD_UNIT\":\"balena.service\","
      + "\"_SYSTEMD_SLICE\":\"system.slice\",\"_SYSTEMD_INVOCATION_ID\":\"9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b\",";

  private JournalLine() {}

  /** Entry {@code seq} (from 0) of device number {@code device}; its sequence numbers are unique per device. */
  static String of(int device, int seq) {
    long realtime = EPOCH_US + seq * 1_000L;
    long monotonic = 5_000_000L + seq * 1_000L;
    String seqnumId = hex32(device);
    return new StringBuilder(1100)
        .append("{\"__CURSOR\":\"s=").append(seqnumId).append(";i=").append(Long.toHexString(seq + 1L))
        .append(";b=").append(BOOT).append(";m=").append(Long.toHexString(monotonic))
        .append(";t=").append(Long.toHexString(realtime)).append(";x=").append(Long.toHexString(seq * 31L + device))
        .append("\",\"__REALTIME_TIMESTAMP\":\"").append(realtime)
        .append("\",\"__MONOTONIC_TIMESTAMP\":\"").append(monotonic)
        .append("\",\"__SEQNUM\":\"").append(seq + 1L)
        .append("\",\"__SEQNUM_ID\":\"").append(seqnumId).append("\",")
        .append(FIXED_FIELDS)
        .append("\"MESSAGE\":\"time=\\\"2025-11-24T16:00:").append(seq % 60).append('.').append(seq % 1_000_000)
        .append("Z\\\" level=info msg=\\\"ignoring event\\\" container=").append(hex32(seq)).append(hex32(device))
        .append(" module=libcontainerd namespace=moby topic=/tasks/delete type=\\\"*events.TaskDelete\\\"\"}")
        .toString();
  }

  private static String hex32(long value) {
    String hex = Long.toHexString(value);
    return "0".repeat(32 - hex.length()) + hex;
  }
}
