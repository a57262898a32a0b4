package io.fleetpulse.schemas;

import java.util.List;

/** The serdes of every fleetpulse record type, sharing one schema store. Keys are plain strings. */
public final class FleetSerdes {

  private static final FleetSchemaStore STORE = FleetSchemaStore.current();

  private FleetSerdes() {}

  public static AvroSerde<JournalEntry> journalEntry() {
    return new AvroSerde<>(JournalEntry.class, STORE);
  }

  /** Events of the kinds the previous release knows are written with its schema: it reads them during a rolling upgrade. */
  public static AvroSerde<DeviceEvent> deviceEvent() {
    return AvroSerde.writingPrevious(DeviceEvent.class, STORE, FleetSchemaStore.DEVICE_EVENT_1,
        event -> event.getKind() != EventKind.DEVICE_REBOOT);
  }

  /**
   * Alerts are written with the oldest schema that carries them: without a rule, with the schema before {@code rule};
   * from a rule, with the one before RELEASE_REGRESSION and OS_ROLLBACK; the previous releases read both.
   */
  public static AvroSerde<Alert> alert() {
    return AvroSerde.writingOlder(Alert.class, STORE, List.of(
        new AvroSerde.OlderSchema<>(FleetSchemaStore.ALERT_1, alert -> alert.getRule() == null && olderKind(alert)),
        new AvroSerde.OlderSchema<>(FleetSchemaStore.ALERT_2, FleetSerdes::olderKind)));
  }

  private static boolean olderKind(Alert alert) {
    return alert.getKind() != AlertKind.RELEASE_REGRESSION && alert.getKind() != AlertKind.OS_ROLLBACK;
  }

  /** Health without software facts is written with the schema before {@code software}, which the previous release reads. */
  public static AvroSerde<DeviceHealth> deviceHealth() {
    return AvroSerde.writingPrevious(DeviceHealth.class, STORE, FleetSchemaStore.DEVICE_HEALTH_1, health -> health.getSoftware() == null);
  }

  public static AvroSerde<DiskSample> diskSample() {
    return new AvroSerde<>(DiskSample.class, STORE);
  }

  public static AvroSerde<DeviceFacts> deviceFacts() {
    return new AvroSerde<>(DeviceFacts.class, STORE);
  }

  public static AvroSerde<DeviceStatus> deviceStatus() {
    return new AvroSerde<>(DeviceStatus.class, STORE);
  }

  public static AvroSerde<RestartOutlier> restartOutlier() {
    return new AvroSerde<>(RestartOutlier.class, STORE);
  }
}
