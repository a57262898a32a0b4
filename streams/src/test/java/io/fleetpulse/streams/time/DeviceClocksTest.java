package io.fleetpulse.streams.time;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.JournalEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceClocksTest {

  private static final String DEVICE = "d00000000000000000000000000000c1";
  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  private static final Duration STEP = Duration.ofSeconds(10);

  private KeyValueStore<String, BootClock> store;
  private DeviceClocks clocks;

  @BeforeEach
  void setUp() {
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(DeviceClocks.STORE),
        Serdes.String(), BootClock.serde()).withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    clocks = new DeviceClocks(store, STEP);
  }

  @Test
  void aDeviceAt2017IsPlacedByItsMonotonicClockFromTheReceiveTime() {
    Instant clock2017 = Instant.parse("2017-03-23T12:00:04Z");
    assertThat(clocks.place(entry("boot-a", clock2017, 100, NOW)).at()).isEqualTo(NOW);
    // the next line, 90 s later by the monotonic clock, arrives with a bit of delay
    assertThat(clocks.place(entry("boot-a", clock2017.plusSeconds(90), 190, NOW.plusSeconds(95))).at()).isEqualTo(NOW.plusSeconds(90));
  }

  @Test
  void aBackfillOfHoursKeepsItsRealSpacing() {
    Instant outageStart = NOW.minus(Duration.ofHours(5));
    assertThat(clocks.place(entry("boot-a", outageStart, 1_000, NOW)).at()).isEqualTo(outageStart);
    assertThat(clocks.place(entry("boot-a", outageStart.plus(Duration.ofMinutes(40)), 3_400, NOW)).at())
        .isEqualTo(outageStart.plus(Duration.ofMinutes(40)));
  }

  @Test
  void aBackfillFromA2017ClockIsSpacedByMonotonicTimeAndNeverAfterItsReceipt() {
    Instant clock2017 = Instant.parse("2017-03-23T12:00:04Z");
    // the newest line comes first (a tail), older lines of the same boot follow in the same push
    assertThat(clocks.place(entry("boot-a", clock2017.plusSeconds(2400), 2_500, NOW)).at()).isEqualTo(NOW);
    assertThat(clocks.place(entry("boot-a", clock2017, 100, NOW)).at()).isEqualTo(NOW.minusSeconds(2400));
    // and if the oldest came first, the newer one pulls the anchor back so nothing lies in the future
    clocks.place(entry("boot-b", clock2017, 100, NOW));
    assertThat(clocks.place(entry("boot-b", clock2017.plusSeconds(2400), 2_500, NOW)).at()).isEqualTo(NOW);
  }

  @Test
  void outOfOrderEntriesArePlacedWhereTheyBelongAndAreNotJumps() {
    clocks.place(entry("boot-a", NOW.minusSeconds(100), 1_000, NOW));
    DeviceClocks.Placement late = clocks.place(entry("boot-a", NOW.minusSeconds(400), 700, NOW));
    assertThat(late.at()).isEqualTo(NOW.minusSeconds(400));
    assertThat(late.step()).isEmpty();
  }

  @Test
  void aStepOfTenSecondsOrMoreWithinABootIsDetectedBothWays() {
    clocks.place(entry("boot-a", NOW, 1_000, NOW));
    assertThat(clocks.place(entry("boot-a", NOW.plusSeconds(1 + 9), 1_001, NOW.plusSeconds(1))).step()).as("9 s is drift").isEmpty();
    assertThat(clocks.place(entry("boot-a", NOW.plusSeconds(2 + 9 + 30), 1_002, NOW.plusSeconds(2))).step()).contains(Duration.ofSeconds(30));
    assertThat(clocks.place(entry("boot-a", NOW.plusSeconds(3 + 9 + 30 - 3600), 1_003, NOW.plusSeconds(3))).step())
        .contains(Duration.ofSeconds(-3600));
  }

  @Test
  void aNewBootIsNotAJump() {
    clocks.place(entry("boot-a", NOW, 5_000, NOW));
    DeviceClocks.Placement reboot = clocks.place(entry("boot-b", NOW.plusSeconds(60), 8, NOW.plusSeconds(60)));
    assertThat(reboot.step()).isEmpty();
    assertThat(reboot.at()).isEqualTo(NOW.plusSeconds(60));
  }

  @Test
  void ntpCorrectingA2017ClockIsFollowedAndAClockKnockedDaysBackIsNot() {
    Instant clock2017 = Instant.parse("2017-03-23T12:00:04Z");
    clocks.place(entry("boot-a", clock2017, 100, NOW));
    DeviceClocks.Placement corrected = clocks.place(entry("boot-a", NOW.plusSeconds(10), 110, NOW.plusSeconds(10)));
    assertThat(corrected.step()).isPresent();
    assertThat(corrected.at()).isEqualTo(NOW.plusSeconds(10));

    DeviceClocks.Placement knockedBack = clocks.place(entry("boot-a", NOW.minus(Duration.ofDays(3)), 120, NOW.plusSeconds(21)));
    assertThat(knockedBack.step()).isPresent();
    assertThat(knockedBack.at()).isEqualTo(NOW.plusSeconds(20));
  }

  @Test
  void theStoreIsWrittenWhenPlacementChangesNotForEveryEntry() {
    clocks.place(entry("boot-a", NOW, 100, NOW));
    BootClock first = store.get(DEVICE);
    for (int second = 1; second <= 50; second++) {
      clocks.place(entry("boot-a", NOW.plusSeconds(second), 100 + second, NOW.plusSeconds(second)));
    }
    assertThat(store.get(DEVICE)).isEqualTo(first);

    clocks.place(entry("boot-a", NOW.minusSeconds(3_600), 151, NOW.plusSeconds(51)));
    assertThat(store.get(DEVICE).lastOffsetUs()).isNotEqualTo(first.lastOffsetUs());
  }

  @Test
  void clocksRebuiltFromTheStoreAfterARestorePlaceAndDetectStepsAsBefore() {
    for (int second = 0; second <= 50; second++) {
      clocks.place(entry("boot-a", NOW.plusSeconds(second), 100 + second, NOW.plusSeconds(second)));
    }
    DeviceClocks restored = new DeviceClocks(store, STEP);
    DeviceClocks.Placement next = restored.place(entry("boot-a", NOW.plusSeconds(51), 151, NOW.plusSeconds(51)));
    assertThat(next.at()).isEqualTo(NOW.plusSeconds(51));
    assertThat(next.step()).isEmpty();
    // a late line from before the restore is placed but shows no step
    assertThat(restored.place(entry("boot-a", NOW.plusSeconds(30), 130, NOW.plusSeconds(52))).step()).isEmpty();
    DeviceClocks.Placement stepped = restored.place(entry("boot-a", NOW.plusSeconds(52 + 60), 152, NOW.plusSeconds(52)));
    assertThat(stepped.step()).contains(Duration.ofSeconds(60));
  }

  @Test
  void entriesWithoutBootOrMonotonicTimeFallBackToThePlausibleDeviceTime() {
    JournalEntry noBoot = JournalEntry.newBuilder(entry("boot-a", NOW.minusSeconds(5), 1, NOW)).setBootId(null).build();
    assertThat(clocks.place(noBoot).at()).isEqualTo(NOW.minusSeconds(5));
  }

  private static JournalEntry entry(String boot, Instant deviceClock, long monotonicSeconds, Instant received) {
    return JournalEntry.newBuilder()
        .setDeviceUuid(DEVICE).setFleet("harbor").setUnit("kernel").setBootId(boot)
        .setRealtimeUs(deviceClock.toEpochMilli() * 1000).setMonotonicUs(monotonicSeconds * 1_000_000)
        .setMessage("x").setFields(Map.of()).setReceivedAt(received).build();
  }
}
