package io.fleetpulse.streams.time;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.streams.JournalEntries;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventTimeTest {

  private static final Instant RECEIVED = Instant.parse("2026-11-27T12:00:00Z");

  @Test
  void plausibleDeviceTimeIsKept() {
    Instant device = RECEIVED.minusSeconds(3);
    assertThat(EventTime.of(entry(device))).isEqualTo(device);
  }

  @Test
  void backfilledHoursAfterAnOutageKeepTheirRealTimes() {
    Instant device = RECEIVED.minus(Duration.ofHours(6));
    assertThat(EventTime.of(entry(device))).isEqualTo(device);
  }

  @Test
  void aClockSetBackTo2017FallsBackToTheReceiveTime() {
    assertThat(EventTime.of(entry(Instant.parse("2017-03-01T10:00:00Z")))).isEqualTo(RECEIVED);
  }

  @Test
  void aClockFarAheadOrMissingFallsBackToTheReceiveTime() {
    assertThat(EventTime.of(entry(RECEIVED.plus(Duration.ofDays(400))))).isEqualTo(RECEIVED);
    JournalEntry noClock = JournalEntry.newBuilder(entry(RECEIVED)).setRealtimeUs(null).build();
    assertThat(EventTime.of(noClock)).isEqualTo(RECEIVED);
  }

  private static JournalEntry entry(Instant deviceTime) {
    return JournalEntries.systemd("d0000000000000000000000000000001", "balena.service", "x", deviceTime)
        .setReceivedAt(RECEIVED).build();
  }
}
