package io.fleetpulse.streams.extract;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.JournalEntries;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every signature of detection-signatures.md, with at least three real variants each. */
class SignaturesTest {

  private static final String DEVICE = "d0000000000000000000000000000010";
  private static final Instant AT = Instant.parse("2026-11-27T10:00:00Z");
  private static final EventExtractor EXTRACTOR = EventExtractor.standard();

  static JournalEntry kernel(String line) {
    return JournalEntries.kernel(DEVICE, line, AT).build();
  }

  static JournalEntry systemd(String unit, String line) {
    return JournalEntries.systemd(DEVICE, unit, line, AT).build();
  }

  static JournalEntry service(String unit, String identifier, String line) {
    return JournalEntries.service(DEVICE, unit, identifier, line, AT).build();
  }

  static Stream<Arguments> lines() {
    return Stream.of(
        // UNIT_RESTART: killed, dumped, non-zero exit; old unit names become today's
        Arguments.of(systemd("balena.service", "balena.service: Main process exited, code=killed, status=9/KILL"), EventKind.UNIT_RESTART, Map.of("unit", "balena.service", "clean", "false")),
        Arguments.of(systemd("resin-supervisor.service", "resin-supervisor.service: Main process exited, code=dumped, status=6/ABRT"), EventKind.UNIT_RESTART, Map.of("unit", "balena-supervisor.service", "signal", "ABRT")),
        Arguments.of(systemd("openvpn-resin.service", "openvpn-resin.service: Main process exited, code=exited, status=1/FAILURE"), EventKind.UNIT_RESTART, Map.of("unit", "openvpn.service", "exitCode", "1")),
        // TIME_JUMP from chrony, with and without its ISO prefix, old spelling
        Arguments.of(service("chronyd.service", "chronyd", "2017-03-23T12:00:04Z Backward time jump detected!"), EventKind.TIME_JUMP, Map.of("source", "chrony", "direction", "-")),
        Arguments.of(service("chronyd.service", "chronyd", "Forward time jump detected!"), EventKind.TIME_JUMP, Map.of("direction", "+")),
        Arguments.of(service("chronyd.service", "chronyd", "2019-11-22T11:34:43Z System clock was stepped by 84151949.073647 seconds"), EventKind.TIME_JUMP, Map.of("seconds", "84151949.073647")),
        Arguments.of(service("chronyd.service", "chronyd", "System clock was stepped by -3600.000021 seconds"), EventKind.TIME_JUMP, Map.of("seconds", "-3600.000021")),
        // VPN_TLS_FAILURE: with and without OpenVPN's date, each reason
        Arguments.of(service("openvpn.service", "openvpn", "Thu Mar 23 12:00:09 2017 VERIFY ERROR: depth=0, error=certificate is not yet valid: CN=vpn.balena-cloud.com"), EventKind.VPN_TLS_FAILURE, Map.of("reason", "certificate is not yet valid")),
        Arguments.of(service("openvpn.service", "openvpn", "VERIFY ERROR: depth=0, error=certificate has expired: CN=vpn.balena-cloud.com, serial=1234"), EventKind.VPN_TLS_FAILURE, Map.of("reason", "certificate has expired")),
        Arguments.of(service("openvpn.service", "openvpn", "Thu Dec  5 10:43:08 2019 VERIFY ERROR: depth=1, error=unable to get local issuer certificate: C=US, O=Fortinet, CN=FortiGate CA"), EventKind.VPN_TLS_FAILURE, Map.of("reason", "unable to get local issuer certificate")),
        Arguments.of(service("openvpn-resin.service", "openvpn", "Thu Mar 23 12:00:09 2017 TLS Error: TLS key negotiation failed to occur within 60 seconds (check your network connectivity)"), EventKind.VPN_TLS_FAILURE, Map.of("reason", "tls key negotiation timeout")),
        Arguments.of(service("openvpn.service", "openvpn", "TLS Error: TLS handshake failed"), EventKind.VPN_TLS_FAILURE, Map.of("reason", "tls handshake failed")),
        Arguments.of(service("openvpn.service", "openvpn", "Thu Mar 23 12:00:09 2017 OpenSSL: error:1416F086:SSL routines:tls_process_server_certificate:certificate verify failed"), EventKind.VPN_TLS_FAILURE, Map.of("reason", "certificate verify failed")),
        Arguments.of(service("openvpn.service", "openvpn", "Thu Mar 23 12:02:06 2017 Fatal TLS error (check_tls_errors_co), restarting"), EventKind.VPN_TLS_FAILURE, Map.of("reason", "fatal tls error")),
        // VPN_UP / VPN_DOWN
        Arguments.of(service("openvpn.service", "openvpn", "Fri Nov 22 11:17:28 2019 Initialization Sequence Completed"), EventKind.VPN_UP, Map.of()),
        Arguments.of(service("openvpn-resin.service", "openvpn", "Initialization Sequence Completed"), EventKind.VPN_UP, Map.of()),
        Arguments.of(service("openvpn.service", "openvpn", "Thu Dec  5 10:43:10 2019 Initialization Sequence Completed"), EventKind.VPN_UP, Map.of()),
        Arguments.of(service("openvpn.service", "openvpn", "Thu Mar 23 12:00:08 2017 SIGTERM[hard,] received, process exiting"), EventKind.VPN_DOWN, Map.of()),
        Arguments.of(service("openvpn.service", "openvpn", "SIGINT[hard,] received, process exiting"), EventKind.VPN_DOWN, Map.of()),
        Arguments.of(service("openvpn-resin.service", "openvpn", "Fri Nov 22 11:17:28 2019 SIGTERM[soft,exit-with-notification] received, process exiting"), EventKind.VPN_DOWN, Map.of()),
        // DNS_FAILURE from OpenVPN, the supervisor (Node), curl, dnsmasq, Rust (os-config)
        Arguments.of(service("openvpn.service", "openvpn", "Thu Dec  5 10:42:57 2019 RESOLVE: Cannot resolve host address: vpn.balena-cloud.com:443 (Temporary failure in name resolution)"), EventKind.DNS_FAILURE, Map.of("host", "vpn.balena-cloud.com", "reason", "Temporary failure in name resolution")),
        Arguments.of(service("balena-supervisor.service", "resin-supervisor", "Failed to get target state for device: Error: getaddrinfo EAI_AGAIN api.balena-cloud.com api.balena-cloud.com:443"), EventKind.DNS_FAILURE, Map.of("host", "api.balena-cloud.com", "reason", "EAI_AGAIN")),
        Arguments.of(service("myapp", "curl", "curl: (6) Could not resolve host: api.balena-cloud.com"), EventKind.DNS_FAILURE, Map.of("host", "api.balena-cloud.com")),
        Arguments.of(service("dnsmasq.service", "dnsmasq", "dnsmasq[762]: failed to access /etc/resolv.dnsmasq: No such file or directory"), EventKind.DNS_FAILURE, Map.of()),
        Arguments.of(service("os-config.service", "os-config", "https://api.balena-cloud.com/os/v1/config: error trying to connect: failed to lookup address information: Temporary failure in name resolution"), EventKind.DNS_FAILURE, Map.of("reason", "Temporary failure in name resolution")),
        // SUPERVISOR_ERROR with level prefixes and without
        Arguments.of(service("balena-supervisor.service", "resin-supervisor", "[error]   Failed to get target state for device: Error: certificate is not yet valid"), EventKind.SUPERVISOR_ERROR, Map.of("type", "target-state", "error", "Error: certificate is not yet valid")),
        Arguments.of(service("balena-supervisor.service", "balena-supervisor", "Healthcheck failure - Device has not fetched target state within appUpdatePollInterval limit"), EventKind.SUPERVISOR_ERROR, Map.of("type", "healthcheck")),
        Arguments.of(service("balena-supervisor.service", "resin-supervisor", "Event: Device state report failure {\"error\":{\"message\":\"\"}}"), EventKind.SUPERVISOR_ERROR, Map.of("type", "state-report")),
        Arguments.of(service("balena-supervisor.service", "balena-supervisor", "[event]   Event: Failed to download image {\"image\":\"registry2.balena-cloud.com/v2/abc\"}"), EventKind.SUPERVISOR_ERROR, Map.of("type", "service")),
        // DISK_FULL: C and Go spellings, any unit
        Arguments.of(service("balena.service", "balenad", "time=\"2020-01-17T09:59:01Z\" level=error msg=\"write /var/lib/docker/tmp/x: no space left on device\""), EventKind.DISK_FULL, Map.of("unit", "balena.service")),
        Arguments.of(service("systemd-journald.service", "systemd-journald", "Failed to write entry (9 items, 312 bytes), ignoring: No space left on device"), EventKind.DISK_FULL, Map.of()),
        Arguments.of(service("myapp", "node", "Error: ENOSPC: NO SPACE LEFT ON DEVICE, write"), EventKind.DISK_FULL, Map.of()),
        // UNDER_VOLTAGE / VOLTAGE_NORMAL: Raspberry Pi firmware and mainline hwmon
        Arguments.of(kernel("Under-voltage detected! (0x00050005)"), EventKind.UNDER_VOLTAGE, Map.of("code", "0x00050005")),
        Arguments.of(kernel("hwmon hwmon1: Undervoltage detected!"), EventKind.UNDER_VOLTAGE, Map.of()),
        Arguments.of(kernel("[ 1234.567890] Under-voltage detected! (0x00050005)"), EventKind.UNDER_VOLTAGE, Map.of()),
        Arguments.of(kernel("Voltage normalised (0x00000000)"), EventKind.VOLTAGE_NORMAL, Map.of("code", "0x00000000")),
        Arguments.of(kernel("hwmon hwmon1: Voltage normalised"), EventKind.VOLTAGE_NORMAL, Map.of()),
        Arguments.of(kernel("[  98.000001] Voltage normalised (0x00000000)"), EventKind.VOLTAGE_NORMAL, Map.of()),
        // CPU_THROTTLING
        Arguments.of(kernel("CPU0: Core temperature above threshold, cpu clock throttled (total events = 1)"), EventKind.CPU_THROTTLING, Map.of("cpu", "CPU0")),
        Arguments.of(kernel("Temperature above threshold, cpu clock throttled"), EventKind.CPU_THROTTLING, Map.of()),
        Arguments.of(kernel("CPU3: Package temperature above threshold, cpu clock throttled (total events = 12)"), EventKind.CPU_THROTTLING, Map.of("cpu", "CPU3")),
        // STORAGE_ERROR: ext4, read-only remount, block layer (old and new), buffer, MMC host
        Arguments.of(kernel("EXT4-fs error (device mmcblk0p6): ext4_find_entry:1455: inode #2: comm balenad: reading directory lblock 0"), EventKind.STORAGE_ERROR, Map.of("device", "mmcblk0p6")),
        Arguments.of(kernel("EXT4-fs (mmcblk0p6): Remounting filesystem read-only"), EventKind.STORAGE_ERROR, Map.of("device", "mmcblk0p6")),
        Arguments.of(kernel("blk_update_request: I/O error, dev mmcblk0, sector 1234567"), EventKind.STORAGE_ERROR, Map.of("device", "mmcblk0")),
        Arguments.of(kernel("print_req_error: I/O error, dev sda, sector 2048 flags 80700"), EventKind.STORAGE_ERROR, Map.of("device", "sda")),
        Arguments.of(kernel("Buffer I/O error on dev mmcblk0p6, logical block 0, lost async page write"), EventKind.STORAGE_ERROR, Map.of("device", "mmcblk0p6")),
        Arguments.of(kernel("mmc0: Timeout waiting for hardware interrupt."), EventKind.STORAGE_ERROR, Map.of("device", "mmc0")),
        // OOM_KILL: new and old kernel wording, cgroup, systemd's result
        Arguments.of(kernel("Out of memory: Killed process 1234 (node) total-vm:1049604kB, anon-rss:712344kB, file-rss:0kB"), EventKind.OOM_KILL, Map.of("process", "node", "pid", "1234")),
        Arguments.of(kernel("Out of memory: Kill process 2891 (balenad) score 312 or sacrifice child"), EventKind.OOM_KILL, Map.of("process", "balenad")),
        Arguments.of(kernel("Memory cgroup out of memory: Killed process 4242 (python3) total-vm:500000kB"), EventKind.OOM_KILL, Map.of("process", "python3")),
        Arguments.of(systemd("resin-supervisor.service", "resin-supervisor.service: Failed with result 'oom-kill'."), EventKind.OOM_KILL, Map.of("process", "balena-supervisor.service")));
  }

  @ParameterizedTest
  @MethodSource("lines")
  void recognisesTheLine(JournalEntry entry, EventKind kind, Map<String, String> details) {
    List<DeviceEvent> events = EXTRACTOR.extract(entry, AT);
    assertThat(events).filteredOn(e -> e.getKind() == kind).singleElement().satisfies(event -> {
      assertThat(event.getDetails()).containsAllEntriesOf(details).containsEntry(EventExtractor.LINE, entry.getMessage());
      assertThat(event.getAt()).isEqualTo(AT);
    });
  }

  static Stream<JournalEntry> lookalikes() {
    return Stream.of(
        // an application printing systemd's words is not a restart
        service("myapp", "node", "balena.service: Main process exited, code=killed, status=9/KILL"),
        // chrony's offset report is not a step
        service("chronyd.service", "chronyd", "2017-03-23T12:02:14Z System clock wrong by 84151949.073647 seconds, adjustment started"),
        service("chronyd.service", "chronyd", "Selected source 85.199.214.100"),
        // VPN lines from something other than openvpn, and the healthy verification
        service("myapp", "node", "TLS Error: TLS handshake failed"),
        service("openvpn.service", "openvpn", "Thu Dec  5 10:43:08 2019 VERIFY OK: depth=0, CN=vpn.balena-cloud.com"),
        // kernel words from user space
        service("myapp", "python3", "Under-voltage detected! (0x00050005)"),
        service("balena-supervisor.service", "resin-supervisor", "[api]     GET /v1/healthy 200 - 9.561 ms"),
        systemd("balena.service", "balena.service: Main process exited, code=exited, status=0/SUCCESS"));
  }

  @ParameterizedTest
  @MethodSource("lookalikes")
  void lookalikesMakeNoAlertingEvent(JournalEntry entry) {
    assertThat(EXTRACTOR.extract(entry, AT))
        .allSatisfy(event -> assertThat(event.getDetails()).containsEntry("clean", "true"));
  }
}
