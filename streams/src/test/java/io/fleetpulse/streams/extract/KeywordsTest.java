package io.fleetpulse.streams.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeywordsTest {

  @Test
  void findsAKeywordInAnyCaseAnywhereInTheLine() {
    Keywords full = Keywords.anyOf("No space left on device");
    assertThat(full.foundIn("write /var/lib/docker/tmp: no space left on device")).isTrue();
    assertThat(full.foundIn("cp: error writing 'x': No space left on device")).isTrue();
    assertThat(full.foundIn("NO SPACE LEFT ON DEVICE")).isTrue();
    assertThat(full.foundIn("no space left on devic")).isFalse();
    assertThat(full.foundIn("")).isFalse();
  }

  @Test
  void triesEveryCandidateStartNotOnlyTheFirst() {
    Keywords keywords = Keywords.anyOf("time jump detected");
    assertThat(keywords.foundIn("time was fine; Time jump detected!")).isTrue();
    assertThat(keywords.foundIn("TIME TIME time jump detected")).isTrue();
    assertThat(keywords.foundIn("time jump detecte")).isFalse();
  }

  @Test
  void anyOfTheAlternativesAdmitsTheLine() {
    Keywords keywords = Keywords.anyOf("clock change detected", "time has been changed");
    assertThat(keywords.foundIn("System clock change detected")).isTrue();
    assertThat(keywords.foundIn("Time has been changed")).isTrue();
    assertThat(keywords.foundIn("Selected source 85.199.214.100")).isFalse();
  }

  @Test
  void keywordsStartingWithPunctuationWork() {
    Keywords keywords = Keywords.anyOf("] received, process exiting");
    assertThat(keywords.foundIn("SIGTERM[hard,] received, process exiting")).isTrue();
    assertThat(keywords.foundIn("SIGTERM received, process exiting")).isFalse();
  }

  @Test
  void letterPairsRuleOutOnlyTextsThatCannotContainTheKeyword() {
    LetterPairs keyword = LetterPairs.of("voltage normali");
    assertThat(LetterPairs.of("hwmon hwmon1: VOLTAGE NORMALISED").containsAll(keyword)).isTrue();
    assertThat(LetterPairs.of("Selected source 85.199.214.100").containsAll(keyword)).isFalse();
    assertThat(LetterPairs.of("").containsAll(LetterPairs.of(""))).isTrue();
  }

  @Test
  void anEmptyKeywordIsRefused() {
    assertThatThrownBy(() -> Keywords.anyOf("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Keywords.anyOf()).isInstanceOf(IllegalArgumentException.class);
  }
}
