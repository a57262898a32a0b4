package io.fleetpulse.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void knownUnitsGetTheirOwnTopicUnderTheirCurrentName() {
    assertThat(Topics.journalTopicFor("balena.service")).isEqualTo("fleet.journal.balena");
    assertThat(Topics.journalTopicFor("resin-supervisor.service")).isEqualTo("fleet.journal.balena-supervisor");
    assertThat(Topics.journalTopicFor("openvpn-resin.service")).isEqualTo("fleet.journal.openvpn");
    assertThat(Topics.journalTopicFor("NetworkManager.service")).isEqualTo("fleet.journal.NetworkManager");
    assertThat(Topics.journalTopicFor("kernel")).isEqualTo("fleet.journal.kernel");
  }

  @Test
  void everyOtherUnitSharesOneTopic() {
    assertThat(Topics.journalTopicFor("my-app.service")).isEqualTo(Topics.JOURNAL_OTHER);
    assertThat(Topics.journalTopicFor("weird/unit name")).isEqualTo(Topics.JOURNAL_OTHER);
    assertThat(Topics.journalTopicFor(null)).isEqualTo(Topics.JOURNAL_OTHER);
    assertThat(Topics.journalTopics()).hasSize(Topics.KNOWN_UNITS.size() + 1).allMatch(t -> t.matches("[a-zA-Z0-9._-]+"));
  }

  @Test
  void deviceKeyIsTheLowerCaseUuid() {
    assertThat(Topics.deviceKey("0123456789abcdef0123456789abcdef")).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThatThrownBy(() -> Topics.deviceKey("0123456789ABCDEF0123456789ABCDEF")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Topics.deviceKey("../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
  }
}
