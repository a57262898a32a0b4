package io.fleetpulse.streams.extract;

import static io.fleetpulse.streams.extract.Keywords.anyOf;
import static io.fleetpulse.streams.extract.LineSignature.fixed;

import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.time.SpokenDuration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The signature table: every line of detection-signatures.md that fleetpulse turns into an event, with
 * the variants real devices print (old and new unit names, Raspberry Pi and mainline kernel wording,
 * C and Go spelling of "no space left on device", OpenVPN with or without its date, supervisor level
 * tags). Rows of one kind are tried in order and the first match wins, so one line makes at most one
 * event of each kind.
 */
public final class Signatures {

  private Signatures() {}

  static final Predicate<JournalEntry> ANY = entry -> true;
  static final Predicate<JournalEntry> KERNEL =
      entry -> "kernel".equals(entry.getUnit()) || "kernel".equals(entry.getTransport());
  static final Predicate<JournalEntry> SYSTEMD =
      entry -> "systemd".equals(entry.getSyslogIdentifier()) || Integer.valueOf(1).equals(entry.getPid());
  static final Predicate<JournalEntry> OPENVPN = unit("openvpn");
  static final Predicate<JournalEntry> TIME_DAEMON = unit("chronyd").or(unit("systemd-timesyncd"));

  private static Predicate<JournalEntry> unit(String shortName) {
    return entry -> shortName.equals(Topics.canonicalUnitShortName(entry.getUnit()))
        || shortName.equals(entry.getSyslogIdentifier());
  }

  private static Pattern regex(String regex) {
    return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
  }

  public static List<EventMatcher> all() {
    return List.of(
        new UnitRestartMatcher(),

        // chrony: its own jump detector and its steps. "wrong by" is an offset report, not a step.
        new LineSignature(EventKind.TIME_JUMP, TIME_DAEMON, anyOf("time jump detected"),
            regex("\\b(Backward|Forward) time jump detected"),
            (entry, m) -> timeJump(m.group(1).toLowerCase(Locale.ROOT) + " time jump detected by chrony",
                m.group(1).equalsIgnoreCase("backward") ? "-" : "+", null)),
        new LineSignature(EventKind.TIME_JUMP, TIME_DAEMON, anyOf("system clock was stepped by"),
            regex("\\bSystem clock was stepped by (-?\\d+(?:\\.\\d+)?) seconds"),
            (entry, m) -> timeJump("system clock stepped " + SpokenDuration.step(Double.parseDouble(m.group(1)))
                + (entry.getRealtimeUs() == null ? "" : " (to " + SpokenDuration.wallClock(Instant.ofEpochMilli(entry.getRealtimeUs() / 1000)) + ")")
                + " by chrony", null, m.group(1))),
        new LineSignature(EventKind.TIME_JUMP, TIME_DAEMON, anyOf("clock change detected", "time has been changed"),
            regex("\\bclock change detected|\\bTime has been changed"),
            (entry, m) -> timeJump("system clock changed", null, null)),

        // OpenVPN's TLS failures; the detector counts attempts, the reason feeds the cause.
        new LineSignature(EventKind.VPN_TLS_FAILURE, OPENVPN, anyOf("verify error: depth="),
            regex("\\bVERIFY ERROR: depth=(\\d+), error=([^:]+)"),
            (entry, m) -> vpnTls(entry, m.group(2).trim(), "certificate verification failed: " + m.group(2).trim())),
        new LineSignature(EventKind.VPN_TLS_FAILURE, OPENVPN, anyOf("tls key negotiation failed"),
            regex("\\bTLS Error: TLS key negotiation failed"),
            (entry, m) -> vpnTls(entry, "tls key negotiation timeout", "TLS key negotiation failed")),
        new LineSignature(EventKind.VPN_TLS_FAILURE, OPENVPN, anyOf("tls handshake failed"),
            regex("\\bTLS Error: TLS handshake failed"),
            (entry, m) -> vpnTls(entry, "tls handshake failed", "TLS handshake failed")),
        new LineSignature(EventKind.VPN_TLS_FAILURE, OPENVPN, anyOf("openssl: error:"),
            regex("\\bOpenSSL: error:[0-9A-F]+:SSL routines:[^:]*:(.+)$"),
            (entry, m) -> vpnTls(entry, m.group(1).trim(), "OpenSSL: " + m.group(1).trim())),
        new LineSignature(EventKind.VPN_TLS_FAILURE, OPENVPN, anyOf("fatal tls error", "sigusr1[soft,tls-error]"),
            regex("\\bFatal TLS error|\\bSIGUSR1\\[soft,tls-error\\]"),
            (entry, m) -> vpnTls(entry, "fatal tls error", "VPN restarting after a TLS error")),
        new LineSignature(EventKind.VPN_UP, OPENVPN, anyOf("initialization sequence completed"),
            regex("\\bInitialization Sequence Completed"),
            fixed(EventKind.VPN_UP, "VPN connected", Map.of())),
        new LineSignature(EventKind.VPN_DOWN, OPENVPN, anyOf("] received, process exiting"),
            regex("\\bSIG(?:TERM|INT)\\[[a-z]+,[^\\]]*\\] received, process exiting"),
            fixed(EventKind.VPN_DOWN, "VPN stopped", Map.of())),

        // Name resolution, from whichever program tried.
        new LineSignature(EventKind.DNS_FAILURE, ANY, anyOf("cannot resolve host address"),
            regex("\\bRESOLVE: Cannot resolve host address: ([^\\s:]+)(?::\\d+)?(?: \\((.+)\\))?"),
            (entry, m) -> dns(entry, m.group(1), m.group(2) != null ? m.group(2) : "cannot resolve")),
        new LineSignature(EventKind.DNS_FAILURE, ANY, anyOf("getaddrinfo "),
            regex("\\bgetaddrinfo (EAI_AGAIN|ENOTFOUND|EAI_FAIL) (\\S+)"),
            (entry, m) -> dns(entry, m.group(2), m.group(1))),
        new LineSignature(EventKind.DNS_FAILURE, ANY, anyOf("could not resolve host: "),
            regex("\\bCould not resolve host: (\\S+)"),
            (entry, m) -> dns(entry, m.group(1), "could not resolve host")),
        new LineSignature(EventKind.DNS_FAILURE, unit("dnsmasq"), anyOf("failed to access /etc/resolv.dnsmasq"),
            regex("\\bfailed to access (/etc/resolv\\.dnsmasq\\S*): (.+)"),
            (entry, m) -> dns(entry, null, "dnsmasq cannot read its upstream servers " + m.group(1) + ": " + m.group(2))),
        new LineSignature(EventKind.DNS_FAILURE, ANY, anyOf("temporary failure in name resolution", "name or service not known", "no such host"),
            regex("\\b(Temporary failure in name resolution|Name or service not known|no such host)\\b"),
            (entry, m) -> dns(entry, null, m.group(1))),

        // The supervisor's complaints; target-state failures carry the error that caused them.
        new LineSignature(EventKind.SUPERVISOR_ERROR, ANY, anyOf("healthcheck failure - "),
            regex("\\bHealthcheck failure - (.+)$"),
            (entry, m) -> supervisor(entry, "healthcheck", m.group(1).trim())),
        new LineSignature(EventKind.SUPERVISOR_ERROR, ANY, anyOf("failed to get target state for device: "),
            regex("\\bFailed to get target state for device: (.+)$"),
            (entry, m) -> supervisor(entry, "target-state", m.group(1).trim())),
        new LineSignature(EventKind.SUPERVISOR_ERROR, ANY, anyOf("device state report failure"),
            regex("\\bDevice state report failure\\b(.*)$"),
            (entry, m) -> supervisor(entry, "state-report", m.group(1).trim())),
        new LineSignature(EventKind.SUPERVISOR_ERROR, ANY, anyOf("failed to download image", "failed to start service"),
            regex("\\b(Failed to download image|Failed to start service)\\b(.*)$"),
            (entry, m) -> supervisor(entry, "service", (m.group(1) + m.group(2)).trim())),

        // C prints "No space left on device", Go (balenaEngine) "no space left on device".
        new LineSignature(EventKind.DISK_FULL, ANY, anyOf("no space left on device"), regex("\\bno space left on device\\b"),
            (entry, m) -> new MatchedEvent(EventKind.DISK_FULL, entry.getUnit(), entry.getUnit() + ": no space left on device",
                Map.of("unit", String.valueOf(entry.getUnit())))),

        // Raspberry Pi firmware driver vs mainline hwmon wording.
        new LineSignature(EventKind.UNDER_VOLTAGE, KERNEL, anyOf("voltage detected"),
            regex("\\bUnder-?voltage detected!?(?: \\((0x[0-9a-f]+)\\))?"),
            (entry, m) -> new MatchedEvent(EventKind.UNDER_VOLTAGE, "kernel", "under-voltage detected", code(m.group(1)))),
        new LineSignature(EventKind.VOLTAGE_NORMAL, KERNEL, anyOf("voltage normali"),
            regex("\\bVoltage normali[sz]ed(?: \\((0x[0-9a-f]+)\\))?"),
            (entry, m) -> new MatchedEvent(EventKind.VOLTAGE_NORMAL, "kernel", "voltage normalised", code(m.group(1)))),
        new LineSignature(EventKind.CPU_THROTTLING, KERNEL, anyOf("temperature above threshold, cpu clock throttled"),
            regex("(?:(CPU\\d+): )?(?:Core |Package )?temperature above threshold, cpu clock throttled"),
            (entry, m) -> new MatchedEvent(EventKind.CPU_THROTTLING, "kernel", "CPU clock throttled: temperature above threshold",
                m.group(1) != null ? Map.of("cpu", m.group(1)) : Map.of())),

        // Storage media: ext4, the block layer and the MMC host, each naming its device differently.
        new LineSignature(EventKind.STORAGE_ERROR, KERNEL, anyOf("ext4-fs error (device "),
            regex("\\bEXT4-fs error \\(device ([\\w-]+)\\)"),
            (entry, m) -> storage(m.group(1), "ext4 filesystem error")),
        new LineSignature(EventKind.STORAGE_ERROR, KERNEL, anyOf("remounting filesystem read-only"),
            regex("\\bEXT4-fs \\(([\\w-]+)\\): Remounting filesystem read-only"),
            (entry, m) -> storage(m.group(1), "filesystem remounted read-only")),
        new LineSignature(EventKind.STORAGE_ERROR, KERNEL, anyOf("i/o error"), regex("\\bI/O error,? (?:on )?dev ([\\w-]+)"),
            (entry, m) -> storage(m.group(1), "I/O error")),
        new LineSignature(EventKind.STORAGE_ERROR, KERNEL, anyOf("buffer i/o error on dev"),
            regex("\\bBuffer I/O error on (?:dev|device) ([\\w-]+)"),
            (entry, m) -> storage(m.group(1), "buffer I/O error")),
        new LineSignature(EventKind.STORAGE_ERROR, KERNEL, anyOf("timeout waiting for hardware interrupt", "error -110 whilst initialising", "card stuck"),
            regex("\\b(mmc\\d+): (Timeout waiting for hardware interrupt|error -110 whilst initialising|Card stuck)"),
            (entry, m) -> storage(m.group(1), m.group(2))),

        // Kernel OOM killer (old "Kill process", new "Killed process", cgroup variant) and systemd's view.
        new LineSignature(EventKind.OOM_KILL, KERNEL, anyOf("out of memory"),
            regex("\\bOut of memory(?: \\(oom_kill_allocating_task\\))?: Kill(?:ed)? process (\\d+) \\(([^)]+)\\)"),
            (entry, m) -> oom(m.group(2), m.group(1))),
        new LineSignature(EventKind.OOM_KILL, SYSTEMD, anyOf(": failed with result 'oom-kill'"),
            regex("^(\\S+): Failed with result 'oom-kill'"),
            (entry, m) -> oom(Topics.canonicalUnitName(m.group(1)), null)));
  }

  private static MatchedEvent timeJump(String summary, String direction, String seconds) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("source", "chrony");
    if (seconds != null) {
      details.put("seconds", seconds);
    }
    if (direction != null) {
      details.put("direction", direction);
    }
    return new MatchedEvent(EventKind.TIME_JUMP, "chronyd.service", summary, details);
  }

  private static MatchedEvent vpnTls(JournalEntry entry, String reason, String summary) {
    return new MatchedEvent(EventKind.VPN_TLS_FAILURE, entry.getUnit(), summary, Map.of("reason", reason.toLowerCase(Locale.ROOT)));
  }

  private static MatchedEvent dns(JournalEntry entry, String host, String reason) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("reason", reason);
    if (host != null) {
      details.put("host", host);
    }
    String summary = host != null ? "DNS lookup failed for " + host + ": " + reason : "DNS failure: " + reason;
    return new MatchedEvent(EventKind.DNS_FAILURE, entry.getUnit(), summary, details);
  }

  private static MatchedEvent supervisor(JournalEntry entry, String type, String error) {
    return new MatchedEvent(EventKind.SUPERVISOR_ERROR, entry.getUnit(), "supervisor " + type + " failure: " + error,
        Map.of("type", type, "error", error));
  }

  private static Map<String, String> code(String code) {
    return code != null ? Map.of("code", code) : Map.of();
  }

  private static MatchedEvent storage(String device, String what) {
    return new MatchedEvent(EventKind.STORAGE_ERROR, "kernel", what + " on " + device, Map.of("device", device, "error", what));
  }

  private static MatchedEvent oom(String process, String pid) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("process", process);
    if (pid != null) {
      details.put("pid", pid);
    }
    return new MatchedEvent(EventKind.OOM_KILL, "kernel", "out of memory: killed " + process, details);
  }
}
