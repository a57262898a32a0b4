package io.fleetpulse.streams.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesFileWatcherTest {

  private static final String ONE_RULE = """
      rules:
        - name: modem_lost
          match: {message: {contains: "Modem disabled"}}
          event: MODEM_LOST
      """;

  @TempDir
  Path dir;

  @Test
  void aChangedFileIsInForceAndARefusedOrVanishedOneLeavesTheRulesInForce() throws Exception {
    Path file = write(ONE_RULE, 1);
    RulesInForce rules = RulesInForce.none();
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (RulesFileWatcher watcher = new RulesFileWatcher(file, rules)) {
      watcher.start(metrics);
      String first = rules.current().version();
      assertThat(rules.current().rules()).extracting(Rule::name).containsExactly("modem_lost");
      assertThat(metrics.get("fleetpulse.rules.in.force").gauge().value()).isEqualTo(1);

      write(ONE_RULE + """
            - name: i2c
              match: {message: {regex: "i2c (unclosed"}}
              event: I2C
          """, 2);
      watcher.check();
      assertThat(rules.current().version()).isEqualTo(first);
      assertThat(watcher.status().error()).startsWith("1 error in the rules file: rule i2c, match.message.regex: does not compile")
          .endsWith("the rules in force (" + first + ") stay");
      assertThat(metrics.get("fleetpulse.rules.refused").gauge().value()).isEqualTo(1);

      write(ONE_RULE.replace("modem_lost", "modem_gone"), 3);
      watcher.check();
      assertThat(rules.current().rules()).extracting(Rule::name).containsExactly("modem_gone");
      assertThat(watcher.status().error()).isNull();
      assertThat(metrics.get("fleetpulse.rules.refused").gauge().value()).isZero();

      String second = rules.current().version();
      Files.delete(file);
      watcher.check();
      assertThat(rules.current().version()).isEqualTo(second);
      assertThat(watcher.status().error()).contains("vanished");

      write(ONE_RULE, 4);
      watcher.check();
      assertThat(rules.current().version()).as("the file back").isEqualTo(first);
      assertThat(watcher.status().error()).isNull();
    }
  }

  @Test
  void anInvalidOrMissingFileRefusesTheStart() throws Exception {
    Path invalid = write("rules: {}", 1);
    assertThatThrownBy(() -> new RulesFileWatcher(invalid, RulesInForce.none()))
        .isInstanceOf(RulesRefusedException.class).hasMessageContaining("rules file, rules: expected a list of rules");
    assertThatThrownBy(() -> new RulesFileWatcher(dir.resolve("missing.yaml"), RulesInForce.none()))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
  }

  /** Each version of the file a second apart, as an editor's saves are. */
  private Path write(String text, int second) throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-12-07T10:00:00Z").plusSeconds(second)));
    return file;
  }
}
