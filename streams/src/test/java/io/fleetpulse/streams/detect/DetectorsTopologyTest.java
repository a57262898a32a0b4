package io.fleetpulse.streams.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.DiskSample;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Severity;
import io.fleetpulse.streams.JournalEntries;
import io.fleetpulse.streams.MasterclassJournal;
import io.fleetpulse.streams.TopologyHarness;
import io.fleetpulse.streams.alerts.AlertsStore;
import io.fleetpulse.streams.alerts.FiringAlertsStore;
import io.fleetpulse.streams.extract.BootSync;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each detector through the whole topology, with the masterclass's own lines where it has them. */
class DetectorsTopologyTest {

  /** The test driver's wall clock starts at 10:00; device lines happen shortly before. */
  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  private static final AtomicInteger DEVICES = new AtomicInteger();

  @TempDir
  Path stateDir;
  TopologyHarness topology;
  String device;

  @BeforeEach
  void start() {
    topology = new TopologyHarness(stateDir);
    device = String.format("d%031x", DEVICES.incrementAndGet());
  }

  @AfterEach
  void stop() {
    topology.close();
  }

  // --- CRASHLOOP -----------------------------------------------------------------------------------

  @Test
  void theMasterclassEngineKillTwiceIsACrashloopOfTheEngine() {
    Instant received = Instant.parse("2019-11-15T10:40:00Z");
    topology.pipe(MasterclassJournal.entries("00-s2_1-L174.ndjson", device, received));
    assertThat(topology.alerts()).isEmpty();

    topology.pipe(systemd("balena.service", "balena.service: Main process exited, code=killed, status=9/KILL", Instant.parse("2019-11-15T10:44:00Z")));

    Alert alert = only(topology.alerts());
    assertThat(alert.getKind()).isEqualTo(AlertKind.CRASHLOOP);
    assertThat(alert.getSubject()).isEqualTo("balena.service");
    assertThat(alert.getSeverity()).isEqualTo(Severity.critical);
    assertThat(alert.getState()).isEqualTo(AlertState.FIRING);
    assertThat(alert.getSummary()).isEqualTo("Container engine balena has 2 unclean restarts and may be crashlooping");
    assertThat(alert.getEvidence()).containsExactly(
        "balena.service: Main process exited, code=killed, status=9/KILL", "balena.service: Main process exited, code=killed, status=9/KILL");
    assertThat(alert.getHint()).contains("journalctl -u balena.service");
  }

  @Test
  void crashloopsOfTheSupervisorUnderItsOldNameAndOfAUserServiceAreTheirOwnAlerts() {
    for (int i = 0; i < 2; i++) {
      Instant at = T0.minusSeconds(300 - i * 60);
      topology.pipe(systemd("resin-supervisor.service", "resin-supervisor.service: Main process exited, code=exited, status=1/FAILURE", at));
      topology.pipe(systemd("myapp.service", "myapp.service: Main process exited, code=dumped, status=11/SEGV", at.plusSeconds(5)));
    }
    List<Alert> alerts = topology.alerts();
    assertThat(alerts).extracting(Alert::getSubject).containsExactlyInAnyOrder("balena-supervisor.service", "myapp.service");
    assertThat(alerts).filteredOn(a -> a.getSubject().equals("myapp.service")).singleElement().satisfies(a -> {
      assertThat(a.getSeverity()).isEqualTo(Severity.warning);
      assertThat(a.getSummary()).isEqualTo("User service 'myapp.service' is restarting unexpectedly, count: 2");
    });
  }

  /** Issue 20: a CRASHLOOP summary still said "2 unclean restarts" after 20,013; it counts the episode so far. */
  @Test
  void aLongCrashLoopsSummaryCountsTheWholeEpisode() {
    for (Instant at = T0.minus(Duration.ofHours(3)); !at.isAfter(T0.minusSeconds(60)); at = at.plusSeconds(60)) {
      topology.pipe(systemd("balena.service", "balena.service: Main process exited, code=killed, status=9/KILL", at));
    }

    assertThat(only(topology.alerts()).getSummary()).as("as it fired").isEqualTo("Container engine balena has 2 unclean restarts and may be crashlooping");
    Alert now = topology.driver.<String, Alert>getKeyValueStore(AlertsStore.NAME).get(AlertsStore.key(device, "CRASHLOOP/balena.service"));
    assertThat(now.getSummary()).isEqualTo("Container engine balena has 180 unclean restarts in 2 h 59 min and may be crashlooping");
  }

  @Test
  void cleanExitsNeverCountTowardsACrashloop() {
    for (int i = 0; i < 6; i++) {
      topology.pipe(systemd("balena.service", "balena.service: Main process exited, code=exited, status=0/SUCCESS", T0.minusSeconds(600 - i * 60)));
    }
    assertThat(topology.alerts()).isEmpty();
  }

  @Test
  void twoRestartsFortyMinutesApartBackfilledInOnePushAreNotABurst() {
    Instant pushed = T0;
    topology.pipe(JournalEntry.newBuilder(systemd("balena.service", "balena.service: Main process exited, code=killed, status=9/KILL", T0.minus(Duration.ofMinutes(50)))).setReceivedAt(pushed).build());
    topology.pipe(JournalEntry.newBuilder(systemd("balena.service", "balena.service: Main process exited, code=killed, status=9/KILL", T0.minus(Duration.ofMinutes(10)))).setReceivedAt(pushed).build());
    assertThat(topology.alerts()).isEmpty();
  }

  /**
   * Issue 30: a device offline for two hours uploads its journal; a crash loop that started and ended two hours ago
   * fired for 30 s after the upload and resolved at the upload's wall-clock time. Now it is told once, as a past
   * episode, with the times its data gives.
   */
  @Test
  void aFinishedCrashLoopUploadedTwoHoursLateIsOnePastEpisodeWithItsOwnTimes() {
    Instant first = T0.minus(Duration.ofHours(2));
    List<JournalEntry> upload = new ArrayList<>();
    upload.add(received(systemd("balena.service", "balena.service: Main process exited, code=killed, status=9/KILL", first), T0));
    upload.add(received(systemd("balena.service", "balena.service: Main process exited, code=killed, status=9/KILL", first.plusSeconds(60)), T0));
    for (Instant at = first.plusSeconds(300); at.isBefore(T0); at = at.plusSeconds(300)) {
      upload.add(received(service("chronyd.service", "chronyd", "Selected source 85.199.214.100", at), T0));
    }
    topology.pipe(upload);
    topology.advanceWallClock(Duration.ofMinutes(2));

    Alert told = only(topology.alerts());
    assertThat(told.getKind()).isEqualTo(AlertKind.CRASHLOOP);
    assertThat(told.getState()).isEqualTo(AlertState.RESOLVED);
    assertThat(told.getSummary()).startsWith("While the device was offline: Container engine balena has 2 unclean restarts");
    assertThat(told.getStartedAt()).isEqualTo(first);
    assertThat(told.getResolvedAt()).as("when its own data shows it over, to the minute: the 15-minute window past the last restart")
        .isBetween(first.plusSeconds(60 + 15 * 60), first.plusSeconds(60 + 17 * 60));
  }

  @Test
  void aCrashLoopStillGoingWhenTheUploadReachesThePresentFires() {
    Instant first = T0.minus(Duration.ofHours(2));
    List<JournalEntry> upload = new ArrayList<>();
    for (Instant at = first; at.isBefore(T0.minusSeconds(30)); at = at.plusSeconds(300)) {
      upload.add(received(systemd("balena.service", "balena.service: Main process exited, code=killed, status=9/KILL", at), T0));
    }
    topology.pipe(upload);
    topology.advanceWallClock(Duration.ofMinutes(2));

    Alert fired = only(topology.alerts());
    assertThat(fired.getKind()).isEqualTo(AlertKind.CRASHLOOP);
    assertThat(fired.getState()).isEqualTo(AlertState.FIRING);
    assertThat(fired.getSummary()).startsWith("Container engine balena has 2 unclean restarts");
    assertThat(fired.getStartedAt()).isEqualTo(first);
  }

  private static JournalEntry received(JournalEntry entry, Instant at) {
    return JournalEntry.newBuilder(entry).setReceivedAt(at).build();
  }

  @Test
  void aClockSetBackTo2017StillCrashloopsAtTheRealTimeOfTheRestarts() {
    String boot = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    Instant realtime2017 = Instant.parse("2017-03-23T12:00:04Z");
    for (int i = 0; i < 2; i++) {
      JournalEntry kill = JournalEntry.newBuilder(systemd("balena.service", "balena.service: Main process exited, code=killed, status=9/KILL", realtime2017.plusSeconds(i * 60))).setBootId(boot).setMonotonicUs((100L + i * 60) * 1_000_000).setReceivedAt(T0.plusSeconds(i * 60)).build();
      topology.pipe(kill);
    }
    Alert alert = only(topology.alerts());
    assertThat(alert.getKind()).isEqualTo(AlertKind.CRASHLOOP);
    assertThat(alert.getStartedAt()).isEqualTo(T0);
  }

  // --- TIME_JUMP and VPN_TLS_FAILURE -----------------------------------------------------------------

  @Test
  void theMasterclassClockJumpTo2017BreaksTheVpnWithCauseClockSkew() {
    Instant received = Instant.parse("2019-11-22T11:36:00Z");
    topology.pipe(MasterclassJournal.entries("08-s6_1-L556.ndjson", device, received));
    topology.pipe(MasterclassJournal.entries("07-s6_1-L541.ndjson", device, received));
    topology.pipe(MasterclassJournal.entries("09-s6_1-L568.ndjson", device, received.plusSeconds(40)));

    List<Alert> alerts = topology.alerts();
    assertThat(alerts).extracting(Alert::getKind).containsExactlyInAnyOrder(AlertKind.TIME_JUMP, AlertKind.VPN_TLS_FAILURE);
    Alert vpn = alerts.stream().filter(a -> a.getKind() == AlertKind.VPN_TLS_FAILURE).findFirst().orElseThrow();
    assertThat(vpn.getCause()).isEqualTo("CLOCK_SKEW");
    assertThat(vpn.getSeverity()).isEqualTo(Severity.critical);
    assertThat(vpn.getHint()).contains("chronyd").contains("UDP port 123");
    assertThat(vpn.getEvidence()).anyMatch(line -> line.contains("certificate is not yet valid"))
        .anyMatch(line -> line.contains("Fatal TLS error")).hasSizeLessThanOrEqualTo(Finding.MAX_EVIDENCE);
    Alert jump = alerts.stream().filter(a -> a.getKind() == AlertKind.TIME_JUMP).findFirst().orElseThrow();
    assertThat(jump.getSeverity()).isEqualTo(Severity.warning);
    assertThat(jump.getEvidence()).anyMatch(line -> line.contains("stepped back 2 years 7 months (to 2017-"));
  }

  @Test
  void vpnFailuresAfterNameResolutionFailuresHaveCauseDns() {
    Instant received = Instant.parse("2019-12-05T10:44:00Z");
    topology.pipe(MasterclassJournal.entries("15-s6_3-L808.ndjson", device, received));
    topology.pipe(openvpn("Thu Dec  5 10:45:00 2019 TLS Error: TLS handshake failed", Instant.parse("2019-12-05T10:45:00Z")));
    topology.pipe(openvpn("Thu Dec  5 10:46:00 2019 TLS Error: TLS handshake failed", Instant.parse("2019-12-05T10:46:00Z")));
    assertThat(topology.alerts()).filteredOn(a -> a.getKind() == AlertKind.VPN_TLS_FAILURE).singleElement()
        .satisfies(a -> assertThat(a.getCause()).isEqualTo("DNS"));
  }

  @Test
  void anUnknownIssuerWithASaneClockIsTlsInterception() {
    for (int i = 0; i < 2; i++) {
      Instant at = T0.minusSeconds(300 - i * 45);
      topology.pipe(openvpn("VERIFY ERROR: depth=1, error=unable to get local issuer certificate: C=US, O=Fortinet, CN=FortiGate CA", at));
      topology.pipe(openvpn("OpenSSL: error:1416F086:SSL routines:tls_process_server_certificate:certificate verify failed", at));
      topology.pipe(openvpn("TLS Error: TLS handshake failed", at));
    }
    Alert alert = only(topology.alerts());
    assertThat(alert.getCause()).isEqualTo("TLS_INTERCEPTION");
    assertThat(alert.getHint()).contains("balenaRootCA");
  }

  @Test
  void handshakeFailuresWithNothingElseToGoOnHaveCauseUnknown() {
    topology.pipe(openvpn("TLS Error: TLS key negotiation failed to occur within 60 seconds (check your network connectivity)", T0.minusSeconds(200)));
    topology.pipe(openvpn("TLS Error: TLS handshake failed", T0.minusSeconds(200)));
    assertThat(topology.alerts()).as("one attempt is not enough").isEmpty();
    topology.pipe(openvpn("TLS Error: TLS key negotiation failed to occur within 60 seconds (check your network connectivity)", T0.minusSeconds(100)));
    assertThat(only(topology.alerts()).getCause()).isEqualTo("UNKNOWN");
  }

  @Test
  void aClockStepSeenOnlyInTheJournalIsATimeJump() {
    String boot = "b1b2c3d4e5f60718293a4b5c6d7e8f90";
    JournalEntry before = JournalEntry.newBuilder(service("myapp", "node", "tick", T0.minusSeconds(120))).setBootId(boot).setMonotonicUs(100_000_000L).build();
    JournalEntry after = JournalEntry.newBuilder(service("myapp", "node", "tick", T0.minusSeconds(120).plusSeconds(1).minus(Duration.ofDays(3)))).setBootId(boot).setMonotonicUs(101_000_000L).setReceivedAt(T0.minusSeconds(119)).build();
    topology.pipe(before).pipe(after);
    var jumps = topology.events().stream().filter(e -> e.getKind() == io.fleetpulse.schemas.EventKind.TIME_JUMP).toList();
    assertThat(jumps).singleElement().satisfies(e -> {
      assertThat(e.getDetails()).containsEntry("source", "journal-clock").containsEntry("direction", "-");
      assertThat(Double.parseDouble(e.getDetails().get("seconds"))).isEqualTo(-3 * 86400.0);
      assertThat(e.getAt()).isEqualTo(T0.minusSeconds(119));
    });
    assertThat(only(topology.alerts()).getKind()).isEqualTo(AlertKind.TIME_JUMP);
  }

  /**
   * Issue 30: a Raspberry Pi boots at its last saved time and chrony steps it forward shortly after: every reboot
   * of a healthy device warned. A forward step within the first minutes of a boot is a TIME_JUMP event tagged
   * boot-sync and no alert; the same step an hour into the boot, or a step back, still alerts.
   */
  @Test
  void aClockSetForwardAtBootIsABootSyncEventAndNoAlert() {
    String boot = "b00b00b00b00b00b00b00b00b00b0001";
    Instant saved = T0.minus(Duration.ofDays(3));
    JournalEntry early = JournalEntry.newBuilder(service("myapp", "node", "tick", saved)).setBootId(boot).setMonotonicUs(20_000_000L)
        .setReceivedAt(T0.minusSeconds(10)).build();
    topology.pipe(early).pipe(chronyStepped("259200.000", boot, 25_000_000L));

    List<io.fleetpulse.schemas.DeviceEvent> jumps = topology.events().stream()
        .filter(e -> e.getKind() == io.fleetpulse.schemas.EventKind.TIME_JUMP).toList();
    assertThat(jumps).isNotEmpty().allSatisfy(e -> assertThat(e.getDetails()).containsEntry("source", BootSync.SOURCE));
    assertThat(jumps).extracting(e -> e.getDetails().get("detectedBy")).contains("chrony", "journal-clock");
    assertThat(topology.alerts()).as("a healthy reboot").isEmpty();
  }

  /**
   * Seen live (bench noise, a day of 100 devices: 98 TIME_JUMP alerts): each unit has its own topic, so the kernel's
   * boot lines, then its line of an hour later, may be read before chrony's and the app's lines of the minute the clock
   * was set. The step shows first on the line of an hour later; it happened after the boot's last line before it,
   * seconds into the boot: a boot sync. Without a line that early, the step an hour in still alerts.
   */
  @Test
  void aBootSyncFirstSeenOnALineOfAnHourLaterIsStillABootSync() {
    String boot = "b00b00b00b00b00b00b00b00b00b0004";
    Instant booted = T0.minus(Duration.ofHours(2));
    Duration behind = Duration.ofMinutes(40);
    JournalEntry kernelAtBoot = JournalEntry.newBuilder(kernel("mmc0: new high speed SDHC card at address aaaa", booted.minus(behind)))
        .setBootId(boot).setMonotonicUs(9_000_000L).setReceivedAt(T0).build();
    JournalEntry kernelAnHourOn = JournalEntry.newBuilder(kernel("IPv6: ADDRCONF(NETDEV_CHANGE): wlan0: link becomes ready",
        booted.plus(Duration.ofHours(1)))).setBootId(boot).setMonotonicUs(3_600_000_000L).setReceivedAt(T0).build();
    topology.pipe(kernelAtBoot).pipe(kernelAnHourOn);

    assertThat(topology.events()).filteredOn(e -> e.getKind() == io.fleetpulse.schemas.EventKind.TIME_JUMP).singleElement()
        .satisfies(e -> assertThat(e.getDetails()).containsEntry("source", BootSync.SOURCE).containsEntry("detectedBy", "journal-clock"));
    assertThat(topology.alerts()).isEmpty();
  }

  @Test
  void theSameStepAnHourIntoTheBootStillAlerts() {
    topology.pipe(chronyStepped("259200.000", "b00b00b00b00b00b00b00b00b00b0002", 3_600_000_000L));
    assertThat(only(topology.alerts()).getKind()).isEqualTo(AlertKind.TIME_JUMP);
  }

  @Test
  void aStepBackAtBootStillAlerts() {
    topology.pipe(chronyStepped("-259200.000", "b00b00b00b00b00b00b00b00b00b0003", 25_000_000L));
    assertThat(only(topology.alerts()).getKind()).isEqualTo(AlertKind.TIME_JUMP);
  }

  /** Bad input: without monotonic timestamps a step cannot be placed in its boot, so it warns as any step does. */
  @Test
  void aStepOnABootWithoutMonotonicTimestampsAlerts() {
    topology.pipe(service("chronyd.service", "chronyd", "System clock was stepped by 1800.000000 seconds", T0.minusSeconds(5)));
    assertThat(topology.events()).filteredOn(e -> e.getKind() == io.fleetpulse.schemas.EventKind.TIME_JUMP).singleElement()
        .satisfies(e -> assertThat(e.getDetails()).doesNotContainEntry("source", BootSync.SOURCE));
    assertThat(only(topology.alerts()).getKind()).isEqualTo(AlertKind.TIME_JUMP);
  }

  /** Bad input: set forward at boot (a sync), then back again a minute later: the step back alerts. */
  @Test
  void aClockSetForwardAtBootThenBackAgainAlertsTheStepBack() {
    String boot = "b00b00b00b00b00b00b00b00b00b0005";
    Instant booted = T0.minus(Duration.ofMinutes(5));
    Duration behind = Duration.ofMinutes(30);
    topology.pipe(onBoot("myapp.service", "started", boot, booted, 10, behind))
        .pipe(onBoot("chronyd.service", "System clock was stepped by 1800.000000 seconds", boot, booted, 25, Duration.ZERO))
        .pipe(onBoot("myapp.service", "tick", boot, booted, 60, Duration.ZERO))
        .pipe(onBoot("myapp.service", "tick", boot, booted, 90, behind));

    var jumps = topology.events().stream().filter(e -> e.getKind() == io.fleetpulse.schemas.EventKind.TIME_JUMP).toList();
    assertThat(jumps).filteredOn(e -> "-".equals(e.getDetails().get("direction"))).singleElement()
        .satisfies(e -> assertThat(e.getDetails()).doesNotContainEntry("source", BootSync.SOURCE));
    assertThat(jumps).filteredOn(e -> !"-".equals(e.getDetails().get("direction")))
        .isNotEmpty().allSatisfy(e -> assertThat(e.getDetails()).containsEntry("source", BootSync.SOURCE));
    assertThat(only(topology.alerts()).getSummary()).contains("back");
  }

  /** Bad input: one upload of three days and three boots, each set forward by chrony after boot: three syncs, no alert. */
  @Test
  void anUploadSpanningThreeBootsAndDaysIsThreeBootSyncsAndNoAlert() {
    List<JournalEntry> upload = new ArrayList<>();
    for (int day = 3; day >= 1; day--) {
      String boot = "b00b00b00b00b00b00b00b00b00b001" + day;
      Instant booted = T0.minus(Duration.ofDays(day));
      Duration behind = Duration.ofMinutes(10L * day);
      upload.add(received(onBoot("myapp.service", "started", boot, booted, 5, behind), T0));
      upload.add(received(onBoot("chronyd.service", "System clock was stepped by " + behind.toSeconds() + ".000000 seconds", boot, booted, 25,
          Duration.ZERO), T0));
      upload.add(received(onBoot("myapp.service", "tick", boot, booted, 3_600, Duration.ZERO), T0));
    }
    topology.pipe(upload);

    assertThat(topology.events()).filteredOn(e -> e.getKind() == io.fleetpulse.schemas.EventKind.TIME_JUMP).hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy(e -> assertThat(e.getDetails()).containsEntry("source", BootSync.SOURCE));
    topology.advanceWallClock(Duration.ofMinutes(2));
    assertThat(topology.alerts()).isEmpty();
  }

  /** A line of {@code unit} {@code second}s into boot {@code boot}, its wall clock {@code behind} the true time. */
  private JournalEntry onBoot(String unit, String message, String boot, Instant booted, long second, Duration behind) {
    Instant at = booted.plusSeconds(second);
    return JournalEntry.newBuilder(service(unit, unit.replace(".service", ""), message, at.minus(behind))).setBootId(boot)
        .setMonotonicUs(second * 1_000_000L).setReceivedAt(at.plusSeconds(1)).build();
  }

  /** chrony's own line for a step of {@code seconds}, {@code monotonicUs} into boot {@code boot}. */
  private JournalEntry chronyStepped(String seconds, String boot, long monotonicUs) {
    return JournalEntry.newBuilder(service("chronyd.service", "chronyd", "System clock was stepped by " + seconds + " seconds",
        T0.minusSeconds(5))).setBootId(boot).setMonotonicUs(monotonicUs).setReceivedAt(T0.minusSeconds(5)).build();
  }

  // --- DNS, supervisor ---------------------------------------------------------------------------------

  @Test
  void theMasterclassDnsBreakageFiresDnsFailure() {
    Instant received = Instant.parse("2019-12-04T17:50:00Z");
    topology.pipe(MasterclassJournal.entries("13-s6_2-L722.ndjson", device, received));
    topology.pipe(MasterclassJournal.entries("12-s6_2-L695.ndjson", device, received));
    Alert alert = topology.alerts().stream().filter(a -> a.getKind() == AlertKind.DNS_FAILURE).findFirst().orElseThrow();
    assertThat(alert.getSeverity()).isEqualTo(Severity.critical);
    assertThat(alert.getHint()).contains("dnsmasq").contains("53");
    assertThat(alert.getEvidence()).anyMatch(line -> line.contains("EAI_AGAIN")).anyMatch(line -> line.contains("resolv.dnsmasq"));
  }

  @Test
  void theMasterclassTargetStateFailuresMakeTheSupervisorUnhealthy() {
    Instant received = Instant.parse("2019-11-22T11:55:00Z");
    topology.pipe(MasterclassJournal.entries("10-s6_1-L601.ndjson", device, received));
    assertThat(topology.alerts()).filteredOn(a -> a.getKind() == AlertKind.SUPERVISOR_UNHEALTHY).singleElement()
        .satisfies(a -> assertThat(a.getSummary()).contains("certificate is not yet valid"));
  }

  @Test
  void aSupervisorHealthcheckFailureAloneIsUnhealthy() {
    topology.pipe(service("balena-supervisor.service", "balena-supervisor",
        "Healthcheck failure - Device has not fetched target state within appUpdatePollInterval limit", T0.minusSeconds(30)));
    assertThat(only(topology.alerts()).getSummary()).startsWith("Supervisor is running, but may be unhealthy");
  }

  // --- disk -----------------------------------------------------------------------------------------------

  @Test
  void usageGrowingToFullWithinADayIsDiskFillingWithItsProjection() {
    long size = 10_000_000_000L;
    for (int i = 0; i <= 12; i++) {
      long used = 6_000_000_000L + i * 100_000_000L;  // 100 MB per 10 min: 600 MB/h
      topology.pipe(disk("/mnt/data", size, used, T0.minus(Duration.ofMinutes(120 - i * 10))));
    }
    Alert alert = only(topology.alerts());
    assertThat(alert.getKind()).isEqualTo(AlertKind.DISK_FILLING);
    assertThat(alert.getSubject()).isEqualTo("/mnt/data");
    assertThat(alert.getSeverity()).isEqualTo(Severity.warning);
    assertThat(alert.getSummary()).contains("full in about 6h20m").contains("600.0 MB/h");
  }

  @Test
  void flatOrShrinkingUsageNeverAlertsAndLowFreeSpaceDoes() {
    long size = 10_000_000_000L;
    for (int i = 0; i <= 12; i++) {
      topology.pipe(disk("/mnt/data", size, 5_000_000_000L, T0.minus(Duration.ofMinutes(120 - i * 10))));
      topology.pipe(disk("/mnt/state", size, 8_000_000_000L - i * 100_000_000L, T0.minus(Duration.ofMinutes(120 - i * 10))));
    }
    assertThat(topology.alerts()).isEmpty();
    topology.pipe(disk("/mnt/boot", size, 9_500_000_000L, T0));
    Alert alert = only(topology.alerts());
    assertThat(alert.getSubject()).isEqualTo("/mnt/boot");
    assertThat(alert.getSummary()).isEqualTo("Low disk space on /mnt/boot: (df reports 5% free)");
  }

  @Test
  void noSpaceLeftOnDeviceIsDiskFullAndResolvesAfterTheQuietPeriod() {
    topology.pipe(service("balena.service", "balenad",
        "level=error msg=\"Handler for POST /containers/create returned error: write /var/lib/docker/x: no space left on device\"", T0.minusSeconds(10)));
    Alert firing = only(topology.alerts());
    assertThat(firing.getKind()).isEqualTo(AlertKind.DISK_FULL);
    assertThat(firing.getSeverity()).isEqualTo(Severity.critical);
    assertThat(firingIndex()).as("the firing alerts' own store").containsExactly(firing);

    topology.advanceWallClock(Duration.ofMinutes(31));
    Alert resolved = only(topology.alerts());
    assertThat(resolved.getId()).isEqualTo(firing.getId());
    assertThat(resolved.getState()).isEqualTo(AlertState.RESOLVED);
    assertThat(resolved.getResolvedAt()).isAfter(firing.getStartedAt());
    assertThat(firingIndex()).isEmpty();
  }

  private List<Alert> firingIndex() {
    List<Alert> firing = new ArrayList<>();
    try (KeyValueIterator<String, Alert> all = topology.driver.<String, Alert>getKeyValueStore(FiringAlertsStore.NAME).all()) {
      all.forEachRemaining(entry -> firing.add(entry.value));
    }
    return firing;
  }

  // --- kernel -------------------------------------------------------------------------------------------------

  @Test
  void underVoltageResolvesOnlyAfterVoltageNormalisedAndAQuietPeriod() {
    topology.pipe(kernel("Under-voltage detected! (0x00050005)", T0.minusSeconds(60)));
    Alert firing = only(topology.alerts());
    assertThat(firing.getSummary()).isEqualTo("1 under-voltage events detected, check/change the power supply ASAP");

    topology.advanceWallClock(Duration.ofHours(1));
    assertThat(topology.alerts()).as("no 'Voltage normalised' yet").isEmpty();

    topology.pipe(kernel("Voltage normalised (0x00000000)", T0.plus(Duration.ofMinutes(61))));
    topology.advanceWallClock(Duration.ofMinutes(10));
    assertThat(topology.alerts()).as("normalised, but not quiet for long enough").isEmpty();
    topology.advanceWallClock(Duration.ofMinutes(25));
    assertThat(only(topology.alerts()).getState()).isEqualTo(AlertState.RESOLVED);
  }

  @Test
  void throttlingStorageErrorsAndOomKillsFireOnOneLineEachWithTheirSubjects() {
    topology.pipe(kernel("CPU0: Core temperature above threshold, cpu clock throttled (total events = 1)", T0.minusSeconds(50)));
    topology.pipe(kernel("EXT4-fs error (device mmcblk0p6): ext4_find_entry:1455: inode #2: comm balenad: reading directory lblock 0", T0.minusSeconds(40)));
    topology.pipe(kernel("Out of memory: Killed process 1234 (node) total-vm:1049604kB, anon-rss:712344kB, file-rss:0kB", T0.minusSeconds(30)));
    List<Alert> alerts = topology.alerts();
    assertThat(alerts).extracting(Alert::getKind, Alert::getSubject, Alert::getSeverity).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple(AlertKind.CPU_THROTTLING, null, Severity.warning),
        org.assertj.core.groups.Tuple.tuple(AlertKind.STORAGE_ERRORS, "mmcblk0", Severity.critical),
        org.assertj.core.groups.Tuple.tuple(AlertKind.OOM_KILL, "node", Severity.warning));
  }

  /** Issue 15: one failing SD card opened three alerts (mmc0, mmcblk0, mmcblk0p6); it is one problem, one alert. */
  @Test
  void oneFailingCardIsOneStorageAlertNamingThePartsItWasSeenAs() {
    topology.pipe(kernel("mmc0: Timeout waiting for hardware interrupt.", T0.minusSeconds(50)));
    topology.pipe(kernel("blk_update_request: I/O error, dev mmcblk0, sector 1234567", T0.minusSeconds(40)));
    topology.pipe(kernel("EXT4-fs error (device mmcblk0p6): ext4_find_entry:1455: inode #2: comm balenad: reading directory lblock 0", T0.minusSeconds(30)));
    topology.pipe(kernel("blk_update_request: I/O error, dev sda, sector 42", T0.minusSeconds(20)));
    List<Alert> alerts = topology.alerts();
    assertThat(alerts).extracting(Alert::getSubject).containsExactlyInAnyOrder("mmcblk0", "sda");
    Alert card = alerts.stream().filter(alert -> alert.getSubject().equals("mmcblk0")).findFirst().orElseThrow();
    assertThat(card.getSummary()).as("as it fired").isEqualTo("1 storage error on mmcblk0 (seen as mmc0), last: Timeout waiting for hardware interrupt");
    // What the REST API shows grows with the episode, without a second FIRING.
    try (KeyValueIterator<String, Alert> firing = topology.driver.<String, Alert>getKeyValueStore(FiringAlertsStore.NAME).all()) {
      Alert now = java.util.stream.StreamSupport.stream(java.util.Spliterators.spliteratorUnknownSize(firing, 0), false)
          .map(kv -> kv.value).filter(alert -> alert.getId().equals(card.getId())).findFirst().orElseThrow();
      assertThat(now.getSummary()).startsWith("3 storage errors on mmcblk0 (seen as mmc0, mmcblk0p6), last: ");
      assertThat(now.getEvidence()).hasSize(3);
    }
  }

  // --- lifecycle --------------------------------------------------------------------------------------------

  @Test
  void aLiveEpisodeNeverFiresTwiceAndALaterEpisodeGetsANewId() {
    for (int i = 0; i < 5; i++) {
      topology.pipe(kernel("mmc0: Timeout waiting for hardware interrupt.", T0.minusSeconds(300 - i * 30)));
    }
    Alert first = only(topology.alerts());
    topology.advanceWallClock(Duration.ofMinutes(31));
    assertThat(only(topology.alerts())).satisfies(a -> {
      assertThat(a.getId()).isEqualTo(first.getId());
      assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
    });
    topology.advanceWallClock(Duration.ofMinutes(5));
    assertThat(topology.alerts()).as("a resolved alert is not resolved again").isEmpty();

    topology.pipe(kernel("mmc0: Timeout waiting for hardware interrupt.", T0.plus(Duration.ofMinutes(40))));
    Alert second = only(topology.alerts());
    assertThat(second.getState()).isEqualTo(AlertState.FIRING);
    assertThat(second.getId()).isNotEqualTo(first.getId());
  }

  @Test
  void anEpisodeReopenedByLateEventsAfterTheWallClockResolvedItIsANewEpisodeWithItsOwnId() {
    for (int i = 0; i < 5; i++) {
      topology.pipe(kernel("mmc0: Timeout waiting for hardware interrupt.", T0.minusSeconds(300 - i * 30)));
    }
    Alert first = only(topology.alerts());
    topology.advanceWallClock(Duration.ofMinutes(31));
    assertThat(only(topology.alerts()).getState()).isEqualTo(AlertState.RESOLVED);

    // A late line from inside the resolved episode: judged at its own time, the finding starts where the
    // first episode did. Its FIRING must not repeat the first episode's id (one FIRING per id).
    topology.pipe(kernel("mmc0: Timeout waiting for hardware interrupt.", T0.minusSeconds(100)));
    Alert reopened = only(topology.alerts());
    assertThat(reopened.getState()).isEqualTo(AlertState.FIRING);
    assertThat(reopened.getStartedAt()).isEqualTo(first.getStartedAt());
    assertThat(reopened.getId()).isNotEqualTo(first.getId());
  }

  @Test
  void aDayOfHealthyNoiseWithCleanRestartsRaisesNoAlert() {
    Instant start = T0.minus(Duration.ofDays(1));
    List<JournalEntry> day = new ArrayList<>();
    for (int minute = 0; minute < 24 * 60; minute += 5) {
      Instant at = start.plus(Duration.ofMinutes(minute));
      day.add(service("balena-supervisor.service", "balena-supervisor", "[api]     GET /v1/healthy 200 - 9.561 ms", at));
      day.add(service("chronyd.service", "chronyd", "Selected source 85.199.214.100", at));
      day.add(service("openvpn.service", "openvpn", "VERIFY OK: depth=0, CN=vpn.balena-cloud.com", at));
      day.add(service("balena.service", "balenad", "time=\"x\" level=info msg=\"API listen on /var/run/balena.sock\"", at));
      if (minute % 120 == 0) {
        day.add(systemd("myapp.service", "myapp.service: Main process exited, code=exited, status=0/SUCCESS", at));
        day.add(systemd("os-config.service", "os-config.service: Main process exited, code=exited, status=0/SUCCESS", at));
        day.add(service("openvpn.service", "openvpn", "Initialization Sequence Completed", at));
      }
    }
    topology.pipe(day);
    topology.advanceWallClock(Duration.ofHours(1));
    assertThat(topology.alerts()).isEmpty();
  }

  // --- unreachable ------------------------------------------------------------------------------------------

  @Test
  void aDeviceTheCollectorCannotReachForTenMinutesIsUnreachableUntilItStreamsAgain() {
    topology.pipe(DeviceStatusBuilder.status(device, io.fleetpulse.schemas.ConnectionState.BACKOFF, T0, T0));
    topology.advanceWallClock(Duration.ofMinutes(5));
    assertThat(topology.alerts()).isEmpty();
    topology.advanceWallClock(Duration.ofMinutes(6));
    Alert firing = only(topology.alerts());
    assertThat(firing.getKind()).isEqualTo(AlertKind.DEVICE_UNREACHABLE);
    assertThat(firing.getCause()).isEqualTo("BACKOFF");

    topology.pipe(DeviceStatusBuilder.status(device, io.fleetpulse.schemas.ConnectionState.STREAMING, T0.plus(Duration.ofMinutes(12)),
        T0.plus(Duration.ofMinutes(12))));
    topology.advanceWallClock(Duration.ofMinutes(1));
    assertThat(only(topology.alerts())).satisfies(a -> {
      assertThat(a.getId()).isEqualTo(firing.getId());
      assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
    });
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private static Alert only(List<Alert> alerts) {
    assertThat(alerts).hasSize(1);
    return alerts.get(0);
  }

  private JournalEntry systemd(String unit, String message, Instant at) {
    return JournalEntries.systemd(device, unit, message, at).setBootId(null).setMonotonicUs(null).build();
  }

  private JournalEntry service(String unit, String identifier, String message, Instant at) {
    return JournalEntries.service(device, unit, identifier, message, at).setBootId(null).setMonotonicUs(null).build();
  }

  private JournalEntry openvpn(String message, Instant at) {
    return service("openvpn.service", "openvpn", message, at);
  }

  private JournalEntry kernel(String message, Instant at) {
    return JournalEntries.kernel(device, message, at).setBootId(null).setMonotonicUs(null).build();
  }

  private DiskSample disk(String mount, long size, long used, Instant at) {
    return DiskSample.newBuilder().setDeviceUuid(device).setFleet("harbor").setMount(mount).setSizeBytes(size)
        .setUsedBytes(used).setAvailBytes(size - used).setAt(at).setReceivedAt(at.plusSeconds(1)).setSource("push").build();
  }
}
