package io.fleetpulse.streams.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.HealthCheck;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Severity;
import io.fleetpulse.schemas.Status;
import io.fleetpulse.streams.JournalEntries;
import io.fleetpulse.streams.StreamsSettings;
import io.fleetpulse.streams.TopologyHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users' rules through the whole topology: their lines become events, their alerts fire, drive checks and resolve. */
class RulesTopologyTest {

  private static final String DEVICE = "5e1f0c2e9d3b4e5fa1b2c3d4e5f60718";
  /** The driver's wall clock starts here: the quiet-period rounds judge at it. */
  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  private static final String RULES = """
      rules:
        - name: modem_lost
          match:
            unit: ModemManager
            message: {contains: "Modem disabled"}
          event: MODEM_LOST
          alert:
            count: 2
            within: 10m
            check: check_custom_modem
            resolveAfter: 30m
            hint: "Reseat the modem cable"
        - name: i2c_timeout
          match:
            identifier: kernel
            message: {regex: "i2c transfer timed out on bus (?P<bus>[0-9]+)"}
          event: I2C_TIMEOUT
          alert:
            severity: critical
            check: check_storage_media
            subject: bus
        - name: sensor_noise
          match:
            message: {contains: "sensor reading"}
          event: SENSOR_READING
        - name: sensor_hot
          match:
            fields: {_SYSTEMD_UNIT: sensor.service}
            message: {contains: "overheat"}
          event: SENSOR_HOT
      """;

  @TempDir
  Path stateDir;
  private TopologyHarness topology;
  private RulesInForce rules;
  private RuleSet ruleSet;

  @BeforeEach
  void start() throws Exception {
    ruleSet = RulesFile.parse(RULES);
    rules = new RulesInForce(ruleSet);
    topology = new TopologyHarness(StreamsSettings.of("unused:9092", "rules-test", stateDir), rules);
  }

  @AfterEach
  void stop() {
    topology.close();
  }

  @Test
  void aMatchingLineIsAnEventOfTheRulesOwnKindWithItsRuleAndVersion() {
    topology.pipe(modemDisabled(T0));

    List<DeviceEvent> events = topology.events();
    assertThat(events).singleElement().satisfies(event -> {
      assertThat(event.getKind()).isEqualTo(EventKind.OTHER);
      assertThat(event.getDetails()).containsEntry(RuleEvents.KIND, "MODEM_LOST").containsEntry(RuleEvents.RULE, "modem_lost")
          .containsEntry(RuleEvents.VERSION, ruleSet.version()).containsEntry("line", "<warn>  modem[0]: Modem disabled");
      assertThat(event.getSummary()).isEqualTo("MODEM_LOST (rule modem_lost): <warn>  modem[0]: Modem disabled");
    });
    assertThat(topology.alerts()).as("one match of two").isEmpty();
  }

  @Test
  void countMatchesWithinTheWindowFireTheRulesAlertOnItsCustomCheckAndQuietResolvesIt() {
    topology.pipe(modemDisabled(T0)).pipe(modemDisabled(T0.plus(Duration.ofMinutes(4))));

    Alert fired = single(topology.alerts());
    assertThat(fired.getKind()).isEqualTo(AlertKind.OTHER);
    assertThat(fired.getState()).isEqualTo(AlertState.FIRING);
    assertThat(fired.getSeverity()).isEqualTo(Severity.warning);
    assertThat(fired.getRule().getEvent()).isEqualTo("MODEM_LOST");
    assertThat(fired.getRule().getName()).isEqualTo("modem_lost");
    assertThat(fired.getRule().getVersion()).isEqualTo(ruleSet.version());
    assertThat(fired.getHint()).isEqualTo("Reseat the modem cable");
    assertThat(fired.getStartedAt()).isEqualTo(T0.plus(Duration.ofMinutes(4)));
    assertThat(fired.getSummary()).isEqualTo("MODEM_LOST: 2 lines matched rule modem_lost (2 within 10 min fire it)");
    assertThat(fired.getEvidence()).hasSize(2);
    assertThat(check(last(topology.health()), "check_custom_modem").getStatus()).isEqualTo(Status.WARN);

    // No event says the modem is back: the judging round finds the rule quiet for 30 min.
    topology.advanceWallClock(Duration.ofMinutes(35));

    Alert resolved = single(topology.alerts());
    assertThat(resolved.getId()).isEqualTo(fired.getId());
    assertThat(resolved.getState()).isEqualTo(AlertState.RESOLVED);
    assertThat(check(last(topology.health()), "check_custom_modem").getStatus()).isEqualTo(Status.OK);
  }

  @Test
  void twoMatchesFurtherApartThanTheWindowDoNotFire() {
    topology.pipe(modemDisabled(T0)).pipe(modemDisabled(T0.plus(Duration.ofMinutes(11))));

    assertThat(topology.events()).hasSize(2);
    assertThat(topology.alerts()).isEmpty();
  }

  @Test
  void aRegexGroupIsTheAlertsSubjectOneAlertPerSubjectOnABuiltInCheck() {
    topology.pipe(i2cTimeout(T0, 1)).pipe(i2cTimeout(T0.plusSeconds(5), 3)).pipe(i2cTimeout(T0.plusSeconds(9), 1));

    List<Alert> alerts = topology.alerts();
    assertThat(alerts).extracting(Alert::getSubject).containsExactly("1", "3");
    assertThat(alerts).allSatisfy(alert -> {
      assertThat(alert.getSeverity()).isEqualTo(Severity.critical);
      assertThat(alert.getRule().getCheck()).isEqualTo("check_storage_media");
    });
    assertThat(check(last(topology.health()), "check_storage_media").getStatus()).isEqualTo(Status.FAIL);
  }

  @Test
  void aRuleWithoutAlertOnlyMakesEvents() {
    topology.pipe(JournalEntries.service(DEVICE, "sensor.service", "sensor", "sensor reading 21.5", T0).build());

    assertThat(topology.events()).singleElement().satisfies(event ->
        assertThat(event.getDetails()).containsEntry(RuleEvents.KIND, "SENSOR_READING"));
    assertThat(topology.alerts()).isEmpty();
  }

  @Test
  void aFieldTheTopologyOtherwiseSkipsIsReadWhileARuleComparesIt() {
    topology.pipe(JournalEntries.service(DEVICE, "sensor.service", "sensor", "overheat at 81 C", T0).build())
        .pipe(JournalEntries.service(DEVICE, "other.service", "sensor", "overheat at 81 C", T0.plusSeconds(1)).build());

    assertThat(topology.events()).singleElement().satisfies(event ->
        assertThat(event.getDetails()).containsEntry(RuleEvents.KIND, "SENSOR_HOT"));
  }

  @Test
  void aNewVersionIsInForceForTheNextLineAndARemovedRulesAlertResolves() throws Exception {
    topology.pipe(i2cTimeout(T0, 1));
    assertThat(single(topology.alerts()).getState()).isEqualTo(AlertState.FIRING);

    RuleSet next = RulesFile.parse(RULES.replace("i2c transfer timed out", "i2c bus stuck").replace("name: i2c_timeout", "name: i2c_stuck")
        .replace("I2C_TIMEOUT", "I2C_STUCK"));
    rules.replace(next);
    topology.pipe(i2cTimeout(T0.plusSeconds(20), 1));
    topology.pipe(JournalEntries.kernel(DEVICE, "i2c bus stuck on bus 2", T0.plusSeconds(30)).build());

    List<Alert> alerts = topology.alerts();
    assertThat(alerts).filteredOn(alert -> alert.getRule().getName().equals("i2c_timeout")).singleElement().satisfies(alert -> {
      assertThat(alert.getState()).isEqualTo(AlertState.RESOLVED);
      assertThat(alert.getSummary()).startsWith("Rule i2c_timeout removed (rules version " + next.version() + "): I2C_TIMEOUT on 1: ");
    });
    assertThat(alerts).filteredOn(alert -> alert.getRule().getName().equals("i2c_stuck")).singleElement()
        .satisfies(alert -> assertThat(alert.getRule().getVersion()).isEqualTo(next.version()).isNotEqualTo(ruleSet.version()));
    assertThat(topology.events()).filteredOn(event -> "I2C_TIMEOUT".equals(event.getDetails().get(RuleEvents.KIND)))
        .as("the old rule matched only before the switch").hasSize(1);
  }

  private static JournalEntry modemDisabled(Instant at) {
    return JournalEntries.service(DEVICE, "ModemManager.service", "ModemManager", "<warn>  modem[0]: Modem disabled", at).build();
  }

  private static JournalEntry i2cTimeout(Instant at, int bus) {
    return JournalEntries.kernel(DEVICE, "i2c-bcm2835 3f804000.i2c: i2c transfer timed out on bus " + bus, at).build();
  }

  private static Alert single(List<Alert> alerts) {
    assertThat(alerts).hasSize(1);
    return alerts.get(0);
  }

  private static DeviceHealth last(List<DeviceHealth> health) {
    assertThat(health).isNotEmpty();
    return health.get(health.size() - 1);
  }

  private static HealthCheck check(DeviceHealth health, String name) {
    return health.getChecks().stream().filter(check -> check.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + health.getChecks()));
  }
}
