package io.fleetpulse.schemas;

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

  /** Alerts without a rule are written with the schema before {@code rule}, which the previous release reads. */
  public static AvroSerde<Alert> alert() {
    return AvroSerde.writingPrevious(Alert.class, STORE, FleetSchemaStore.ALERT_1, alert -> alert.getRule() == null);
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
