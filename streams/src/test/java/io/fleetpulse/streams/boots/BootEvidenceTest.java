package io.fleetpulse.streams.boots;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.JournalEntries;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BootEvidenceTest {

  private static final String DEVICE = "b0000000000000000000000000000001";
  private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

  /** The suite's all-in-one run stopped the streams: an entry without SYSLOG_IDENTIFIER threw in List.contains(null). */
  @Test
  void entriesWithoutAnIdentifierOrAPidAreReadLikeAnyOther() {
    JournalEntry noIdentifier = JournalEntries.service(DEVICE, "hostapp-update.service", "hostapp-update", "Installing new hostapp", AT)
        .setSyslogIdentifier(null).setPid(null).build();
    JournalEntry plain = JournalEntries.service(DEVICE, "myapp.service", "myapp", "hello", AT).setSyslogIdentifier(null).setPid(null).build();

    assertThat(BootEvidence.OS_UPDATE.in(BootEvidence.of(noIdentifier))).as("found by its unit").isTrue();
    assertThat(BootEvidence.of(plain)).isZero();
    assertThat(BootEvidence.of(JournalEntries.service(DEVICE, "myapp.service", "myapp", "x", AT).setMessage(null).build())).isZero();
  }

  @Test
  void systemdsShutdownSequenceIsCleanAndAServiceSayingTheSameWordsIsNot() {
    assertThat(BootEvidence.SHUTDOWN.in(BootEvidence.of(JournalEntries.systemd(DEVICE, "reboot.target", "Reached target System Reboot.", AT)
        .build()))).isTrue();
    assertThat(BootEvidence.of(JournalEntries.service(DEVICE, "myapp.service", "myapp", "Reached target System Reboot.", AT).build()))
        .isZero();
  }
}
