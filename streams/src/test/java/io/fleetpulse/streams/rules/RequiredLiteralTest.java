package io.fleetpulse.streams.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequiredLiteralTest {

  @Test
  void theLongestRunEveryMatchContains() {
    assertThat(RequiredLiteral.of("i2c.*bus (?P<bus>[0-9]+)")).isEqualTo("bus ");
    assertThat(RequiredLiteral.of("Main process exited, code=killed, status=(?P<signal>[0-9]+)"))
        .isEqualTo("Main process exited, code=killed, status=");
    assertThat(RequiredLiteral.of("timed out\\.? after [0-9]+ms")).isEqualTo("timed out");
    assertThat(RequiredLiteral.of("ab+cdef")).isEqualTo("cdef");
    assertThat(RequiredLiteral.of("x{2}yyyy")).isEqualTo("yyyy");
    assertThat(RequiredLiteral.of("colou?r temperature")).isEqualTo("r temperature");
    assertThat(RequiredLiteral.of("\\[error\\] disk")).isEqualTo("[error] disk");
    assertThat(RequiredLiteral.of("^Failed [a-z]+ service$")).isEqualTo(" service");
  }

  @Test
  void noneWhenNothingIsSurelyThere() {
    assertThat(RequiredLiteral.of("modem lost|sim removed")).isNull();
    assertThat(RequiredLiteral.of("(?i)modem lost")).isNull();
    assertThat(RequiredLiteral.of("(a+)+$")).isNull();
    assertThat(RequiredLiteral.of("\\d+ ms")).as("short, but there").isEqualTo(" ms");
  }

  @Test
  void everyLineTheRegexMatchesContainsTheLiteral() {
    List<String> patterns = List.of("i2c.*bus (?P<bus>[0-9]+)", "timed out\\.? after [0-9]+ms", "colou?r temperature", "ab+cdef",
        "x{2}yyyy", "(?:warn|error): disk [a-z]+ full");
    List<String> lines = List.of("i2c-1: bus 3 stuck", "timed out after 20ms", "timed out. after 5ms", "color temperature",
        "colour temperature", "abbbcdef", "xxyyyy", "error: disk data full", "warn: disk root full");
    for (String pattern : patterns) {
      String literal = RequiredLiteral.of(pattern);
      for (String line : lines) {
        if (Pattern.compile(pattern).matcher(line).find()) {
          assertThat(literal == null || line.contains(literal)).as("%s on %s, literal %s", pattern, line, literal).isTrue();
        }
      }
    }
  }
}
