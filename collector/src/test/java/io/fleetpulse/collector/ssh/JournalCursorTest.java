package io.fleetpulse.collector.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Only the exact shape of a journald cursor is accepted: it goes into a command line on the device. */
class JournalCursorTest {

  @Test
  void acceptsJournaldCursors() {
    assertThat(JournalCursor.isValid("s=d584bd825c1f449fb3cfdb5e9da990da;i=3;b=0123456789abcdef0123456789abcdef;m=d;t=661469d8180b7;x=9b6a8c509d58145e"))
        .isTrue();
    assertThat(JournalCursor.isValid("i=1")).isTrue();
    assertThat(JournalCursor.isValid("a=1;b=2;c=3;d=4;e=5;f=6;g=7;h=8;i=9;j=a;k=b;l=c;m=d;n=e;o=f;p=0")).as("16 parts").isTrue();
  }

  @Test
  void refusesAnythingElse() {
    assertThat(JournalCursor.isValid(null)).isFalse();
    assertThat(JournalCursor.isValid("s=")).isFalse();
    assertThat(JournalCursor.isValid("s=1;")).isFalse();
    assertThat(JournalCursor.isValid(";s=1")).isFalse();
    assertThat(JournalCursor.isValid("S=1")).isFalse();
    assertThat(JournalCursor.isValid("s=1G")).isFalse();
    assertThat(JournalCursor.isValid("s=1\"; reboot; echo \"")).isFalse();
    assertThat(JournalCursor.isValid("ss=1")).isFalse();
    assertThat(JournalCursor.isValid("s=" + "a".repeat(65))).as("65 digits").isFalse();
    assertThat(JournalCursor.isValid("a=1;b=2;c=3;d=4;e=5;f=6;g=7;h=8;i=9;j=a;k=b;l=c;m=d;n=e;o=f;p=0;q=1")).as("17 parts").isFalse();
  }
}
