package io.fleetpulse.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesCommandTest {

  @TempDir
  Path dir;

  @Test
  void aValidFileShowsEachRulesMatchesAmongTheMasterclassLines() throws Exception {
    Path file = Files.writeString(dir.resolve("rules.yaml"), """
        rules:
          - name: engine_killed
            match:
              unit: balena
              message: {regex: "Main process exited, code=killed, status=(?P<signal>[0-9]+)"}
            fleet: harbor
            event: ENGINE_KILLED
            alert: {subject: signal}
          - name: never
            match: {message: {contains: "no such line anywhere"}}
            event: NEVER
        """);

    CliRun run = CliRun.of("rules", "check", file.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains(file + ": valid, 2 rules, version ")
        .contains("  engine_killed -> ENGINE_KILLED (alerts): matches ")
        .contains("00-s2_1-L174.ndjson:")
        .contains("balena.service: Main process exited, code=killed, status=9/KILL")
        .contains("  never -> NEVER: matches 0 of the ");
  }

  @Test
  void aFileWithErrorsPrintsOneLinePerErrorAndExitsOne() throws Exception {
    Path file = Files.writeString(dir.resolve("rules.yaml"), """
        rules:
          - name: Bad
            match: {message: {regex: "(a"}}
            event: CRASHLOOP
        """);

    CliRun run = CliRun.of("rules", "check", file.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().lines()).hasSize(3).allMatch(line -> line.startsWith(file + ": rule #1, "));
    assertThat(CliRun.of("rules", "check", dir.resolve("missing.yaml").toString()).exit()).isEqualTo(1);
  }
}
