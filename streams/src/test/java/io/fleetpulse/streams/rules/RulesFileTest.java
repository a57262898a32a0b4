package io.fleetpulse.streams.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Severity;
import io.fleetpulse.streams.JournalEntries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesFileTest {

  private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

  /** CONTRACT.md's example, word for word but for the regex form of the message. */
  private static final String CONTRACT_EXAMPLE = """
      rules:
        - name: modem_lost
          match:
            unit: ModemManager.service
            identifier: ModemManager
            priority: 4
            fields: {_TRANSPORT: syslog}
            message: {contains: "Modem disabled"}
          fleet: harbor
          event: MODEM_LOST
          alert:
            count: 2
            within: 10m
            severity: warning
            check: check_custom_modem
            resolveAfter: 30m
            hint: "Reseat the modem cable"
        - name: i2c_timeout
          match:
            message: {regex: "i2c.*bus (?P<bus>[0-9]+)"}
          event: I2C_TIMEOUT
          alert:
            subject: bus
      """;

  @Test
  void theContractsExampleIsReadAsWritten() throws Exception {
    RuleSet rules = RulesFile.parse(CONTRACT_EXAMPLE);

    assertThat(rules.version()).hasSize(12).isEqualTo(RulesFile.parse(CONTRACT_EXAMPLE).version());
    assertThat(rules.rules()).extracting(Rule::name).containsExactly("modem_lost", "i2c_timeout");
    Rule modem = rules.rule("modem_lost").orElseThrow();
    assertThat(modem.event()).isEqualTo("MODEM_LOST");
    assertThat(modem.fleet()).isEqualTo("harbor");
    assertThat(modem.match().fields()).isEqualTo(Map.of("_TRANSPORT", "syslog"));
    assertThat(modem.alert()).isEqualTo(new Rule.Alerting(2, Duration.ofMinutes(10), Severity.warning, "check_custom_modem",
        Duration.ofMinutes(30), "Reseat the modem cable", null));
    Rule.Alerting defaults = rules.rule("i2c_timeout").orElseThrow().alert();
    assertThat(defaults.count()).isEqualTo(1);
    assertThat(defaults.severity()).isEqualTo(Severity.warning);
    assertThat(defaults.within()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void everyConditionMustHold() throws Exception {
    Rule modem = RulesFile.parse(CONTRACT_EXAMPLE).rule("modem_lost").orElseThrow();
    JournalEntry line = modemLine("<warn>  [1701942000.1234] modem[0]: Modem disabled by user").build();

    assertThat(modem.match(line)).isPresent();
    assertThat(modem.match(modemLine("Modem enabled").build())).as("message").isEmpty();
    assertThat(modem.match(modemLine("Modem disabled").setFleet("other").build())).as("fleet").isEmpty();
    assertThat(modem.match(modemLine("Modem disabled").setPriority(6).build())).as("priority 6 is less urgent than 4").isEmpty();
    assertThat(modem.match(modemLine("Modem disabled").setPriority(2).build())).as("priority 2 is more urgent").isPresent();
    assertThat(modem.match(modemLine("Modem disabled").setTransport("stdout").build())).as("field").isEmpty();
    assertThat(modem.match(modemLine("Modem disabled").setSyslogIdentifier("mmcli").build())).as("identifier").isEmpty();
    assertThat(modem.match(modemLine("Modem disabled").setUnit("NetworkManager.service").build())).as("unit").isEmpty();
  }

  @Test
  void aUnitNamedWithoutItsTypeIsItsServiceAsJournalctlReadsIt() throws Exception {
    Rule rule = RulesFile.parse("""
        rules:
          - name: modem
            match: {unit: ModemManager}
            event: MODEM_LINE
        """).rules().get(0);

    assertThat(rule.match().unit()).isEqualTo("ModemManager.service");
    assertThat(rule.match(modemLine("anything").build())).isPresent();
  }

  @Test
  void theSubjectIsTheNamedGroupOfTheRegex() throws Exception {
    Rule rule = RulesFile.parse(CONTRACT_EXAMPLE).rule("i2c_timeout").orElseThrow();
    JournalEntry line = JournalEntries.kernel("d1", "i2c-bcm2835 3f804000.i2c: i2c transfer timed out on bus 1", AT).build();

    assertThat(rule.match(line)).hasValueSatisfying(hit -> assertThat(hit.subject()).isEqualTo("1"));
    assertThat(rule.match(JournalEntries.kernel("d1", "spi timed out", AT).build())).isEmpty();
  }

  @Test
  void aFieldBeyondTheEntrysOwnIsReadFromItsOtherFields() throws Exception {
    RuleSet rules = RulesFile.parse("""
        rules:
          - name: engine_by_unit
            match: {fields: {_SYSTEMD_UNIT: balena.service}, message: {contains: "exited"}}
            event: ENGINE_EXIT
        """);

    assertThat(rules.readsOtherFields()).isTrue();
    assertThat(rules.match(JournalEntries.service("d1", "balena.service", "balenad", "container exited", AT).build())).hasSize(1);
    assertThat(rules.match(JournalEntries.service("d1", "openvpn.service", "openvpn", "exited", AT).build())).isEmpty();
  }

  @Test
  void aPathologicalRegexOnALongLineFinishesInLinearTime() throws Exception {
    // (a+)+$ backtracks exponentially in java.util.regex on "aaa…ab"; RE2 runs it in one pass.
    Rule rule = RulesFile.parse("""
        rules:
          - name: pathological
            match: {message: {regex: "(a+)+$"}}
            event: PATHOLOGICAL
        """).rules().get(0);
    JournalEntry line = JournalEntries.kernel("d1", "a".repeat(64 * 1024) + "b", AT).build();

    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThat(rule.match(line)).isEmpty());
  }

  @Test
  void anEmptyFileOrEmptyListHasNoRules() throws Exception {
    assertThat(RulesFile.parse("").rules()).isEmpty();
    assertThat(RulesFile.parse("rules: []").rules()).isEmpty();
    assertThat(RulesFile.parse("rules:").rules()).isEmpty();
  }

  @Test
  void invalidYamlIsRefusedWithWhere() {
    assertThat(errors("rules:\n  - name: [unclosed\n")).singleElement().asString()
        .startsWith("rules file: not valid YAML").contains("line");
  }

  @Test
  void everyErrorIsNamedWithItsRuleAndField() {
    List<String> errors = errors("""
        rules:
          - name: Bad-Name
            match: {message: {contains: "x"}}
            event: BAD_NAME
          - name: dup
            match: {unit: a.service}
            event: DUP_ONE
          - name: dup
            match: {unit: b.service}
            event: DUP_TWO
          - name: builtin
            match: {unit: balena.service}
            event: CRASHLOOP
          - name: no_compile
            match: {message: {regex: "(unclosed"}}
            event: NO_COMPILE
          - name: backreference
            match: {message: {regex: "(a)\\\\1"}}
            event: BACKREF
          - name: unknown_check
            match: {unit: x.service}
            event: UNKNOWN_CHECK
            alert: {check: check_modem}
          - name: no_group
            match: {message: {regex: "bus [0-9]+"}}
            event: NO_GROUP
            alert: {subject: bus}
          - name: bad_alert
            match: {unit: y.service}
            event: BAD_ALERT
            alert: {count: 0, within: soon, resolveAfter: 7h, severity: fatal, colour: red}
          - name: no_match
            event: NO_MATCH
          - name: empty_match
            match: {}
            event: EMPTY_MATCH
          - name: same_kind
            match: {unit: z.service}
            event: DUP_ONE
          - name: lower_kind
            match: {unit: z.service}
            event: modem_lost
          - name: two_messages
            match: {message: {contains: "a", regex: "b"}}
            event: TWO_MESSAGES
          - name: bad_priority
            match: {priority: 9, fields: {lower: x, MESSAGE: y}}
            event: BAD_PRIORITY
          - match: {unit: w.service}
            event: NAMELESS
        """);

    assertThat(errors).containsExactlyInAnyOrder(
        "rule #1, name: 'Bad-Name' must be lower case letters, digits and _, at most 64 characters",
        "rule dup, name: a second rule of this name (names are unique)",
        "rule builtin, event: CRASHLOOP is a built-in kind; give the rule a kind of its own",
        "rule no_compile, match.message.regex: does not compile: error parsing regexp: missing closing ): `(unclosed` "
            + "(RE2 syntax: no backreferences or lookaround; named groups as (?P<name>...))",
        "rule backreference, match.message.regex: does not compile: error parsing regexp: invalid escape sequence: `\\1` "
            + "(RE2 syntax: no backreferences or lookaround; named groups as (?P<name>...))",
        "rule unknown_check, alert.check: 'check_modem' is neither a built-in check (check_container_engine, check_supervisor, "
            + "check_timesync, check_networking, check_localdisk, check_under_voltage, check_temperature, check_user_services, "
            + "check_memory, check_storage_media) nor check_custom_<name> (lower case letters, digits and _)",
        "rule no_group, alert.subject: the regex has no group named 'bus' (its groups: )",
        "rule bad_alert, alert.colour: unknown field (known: check, count, hint, resolveAfter, severity, subject, within)",
        "rule bad_alert, alert.count: '0' must be a whole number from 1 to 10000",
        "rule bad_alert, alert.within: 'soon' must be a duration such as 30s, 10m or 2h, more than zero and at most 6h",
        "rule bad_alert, alert.resolveAfter: '7h' must be a duration such as 30s, 10m or 2h, more than zero and at most 6h",
        "rule bad_alert, alert.severity: 'fatal' must be critical, warning or info",
        "rule no_match, match: missing: give at least one of fields, identifier, message, priority, unit",
        "rule empty_match, match: no condition: a rule would match every line",
        "rule same_kind, event: another rule already makes DUP_ONE events (one kind per rule)",
        "rule lower_kind, event: 'modem_lost' must be upper snake case (e.g. MODEM_LOST), at most 64 characters",
        "rule two_messages, match.message: expected exactly one of {contains: TEXT} or {regex: PATTERN}",
        "rule bad_priority, match.priority: '9' is not a priority: 0-7 or emerg, alert, crit, err, warning, notice, info, debug",
        "rule bad_priority, match.fields.lower: not a journal field name (upper case, digits and _, e.g. _TRANSPORT)",
        "rule bad_priority, match.fields.MESSAGE: use match.message for the message",
        "rule #16, name: missing");
  }

  @Test
  void aKeyGivenTwiceIsAnError() {
    assertThat(errors("""
        rules:
          - name: twice
            name: again
            match: {unit: a.service}
            event: TWICE
        """)).singleElement().asString().contains("Duplicate field 'name'");
  }

  @Test
  void limitsOnRulesAndPatterns() {
    StringBuilder many = new StringBuilder("rules:\n");
    for (int i = 0; i <= RulesFile.MAX_RULES; i++) {
      many.append("  - {name: r").append(i).append(", match: {unit: u.service}, event: E").append(i).append("}\n");
    }
    assertThat(errors(many.toString())).containsExactly("rules file, rules: 501 rules, more than the 500 allowed");

    assertThat(errors("rules:\n  - {name: long, match: {message: {contains: \"" + "x".repeat(RulesFile.MAX_PATTERN + 1)
        + "\"}}, event: LONG}\n"))
        .containsExactly("rule long, match.message.contains: 1001 characters, more than the 1000 allowed");
    assertThat(errors("rules:\n  - {name: big, match: {message: {regex: \"(x{1000}){1000}\"}}, event: BIG}\n"))
        .singleElement().asString().startsWith("rule big, match.message.regex:");
  }

  @Test
  void anOversizedFileIsRefusedBeforeItIsRead(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, "#".repeat((int) RulesFile.MAX_FILE_BYTES + 1));

    assertThatThrownBy(() -> RulesFile.read(file)).isInstanceOf(RulesRefusedException.class)
        .hasMessageContaining("more than the 1048576 allowed");
  }

  private static JournalEntry.Builder modemLine(String message) {
    return JournalEntries.service("d1", "ModemManager.service", "ModemManager", message, AT).setPriority(4);
  }

  private static List<String> errors(String yaml) {
    try {
      RulesFile.parse(yaml);
    } catch (RulesRefusedException e) {
      return e.errors().stream().map(RuleError::toString).toList();
    }
    throw new AssertionError("the file was accepted");
  }
}
