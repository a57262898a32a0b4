package io.fleetpulse.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private final AvroSerde<JournalEntry> serde = FleetSerdes.journalEntry();

  @Test
  void roundTripsAJournalEntryWithBinaryMessageAndExtraFields() {
    JournalEntry entry = JournalEntry.newBuilder()
        .setDeviceUuid("0123456789abcdef0123456789abcdef")
        .setFleet("harbor")
        .setUnit("balena.service")
        .setSyslogIdentifier("balenad")
        .setPid(812)
        .setPriority(6)
        .setRealtimeUs(1575387366000000L)
        .setMonotonicUs(60000000L)
        .setSeqnumId("bf0622d239515d53966c04b3098f35d8")
        .setSeqnum(1001L)
        .setMessage("\uFFFDabc")
        .setMessageBytes(ByteBuffer.wrap(new byte[] {(byte) 0xff, 'a', 'b', 'c'}))
        .setFields(Map.of("CONTAINER_ID", "f3d4c2b1a0e9"))
        .setBinaryFields(Map.of("BLOB", ByteBuffer.wrap(new byte[] {0, 1, 2})))
        .setReceivedAt(Instant.parse("2026-11-27T10:00:00.123Z"))
        .build();

    byte[] bytes = serde.serializer().serialize(Topics.journalTopicFor("balena.service"), entry);

    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(entry);
  }

  @Test
  void readsARecordWrittenWithAnOlderSchemaAndFillsDefaults() throws IOException {
    // DiskSample as a first version might have looked: no fleet, no source.
    Schema older = new Schema.Parser().parse("""
        {"type":"record","name":"DiskSample","namespace":"io.fleetpulse.schemas","fields":[
          {"name":"deviceUuid","type":"string"},
          {"name":"mount","type":"string"},
          {"name":"sizeBytes","type":"long"},
          {"name":"usedBytes","type":"long"},
          {"name":"availBytes","type":"long"},
          {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"receivedAt","type":{"type":"long","logicalType":"timestamp-millis"}}]}""");
    GenericRecord old = new GenericData.Record(older);
    old.put("deviceUuid", "0123456789abcdef0123456789abcdef");
    old.put("mount", "/mnt/data");
    old.put("sizeBytes", 1000L);
    old.put("usedBytes", 900L);
    old.put("availBytes", 100L);
    old.put("at", 1_700_000_000_000L);
    old.put("receivedAt", 1_700_000_000_500L);
    byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old).array();

    AvroSerde<DiskSample> reader = new AvroSerde<>(DiskSample.class, FleetSchemaStore.current().add(older));
    DiskSample sample = reader.fromBytes(bytes);

    assertThat(sample.getMount()).isEqualTo("/mnt/data");
    assertThat(sample.getUsedBytes()).isEqualTo(900L);
    assertThat(sample.getFleet()).isEqualTo("default");
    assertThat(sample.getSource()).isEqualTo("push");
    assertThat(sample.getAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
  }

  @Test
  void unknownFingerprintGivesAClearError() {
    Schema newer = new Schema.Parser().parse("""
        {"type":"record","name":"DiskSample","namespace":"io.fleetpulse.schemas","fields":[
          {"name":"deviceUuid","type":"string"},{"name":"inodes","type":"long"}]}""");
    GenericRecord record = new GenericData.Record(newer);
    record.put("deviceUuid", "0123456789abcdef0123456789abcdef");
    record.put("inodes", 5L);
    byte[] bytes = encode(newer, record);

    assertThatThrownBy(() -> FleetSerdes.diskSample().fromBytes(bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Unknown DiskSample schema fingerprint")
        .hasMessageContaining(String.format("%016x", FleetSchemaStore.fingerprint(newer)))
        .hasMessageContaining("Upgrade readers before writers");
  }

  @Test
  void bytesThatAreNotAvroGiveAClearError() {
    byte[] json = "{\"MESSAGE\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> FleetSerdes.deviceEvent().fromBytes(json))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Not an Avro single-object encoded DeviceEvent");
  }

  @Test
  void writesExactlyAvrosSingleObjectEncoding() throws IOException {
    DeviceEvent event = DeviceEvent.newBuilder().setDeviceUuid("d1").setFleet("f").setKind(EventKind.OOM_KILL)
        .setAt(Instant.EPOCH).setUnit("kernel").setSummary("out of memory").setDetails(Map.of("process", "node"))
        .setBootId("b").setSeqnum(7L).setReceivedAt(Instant.EPOCH).build();
    byte[] avros = new BinaryMessageEncoder<DeviceEvent>(SpecificData.getForClass(DeviceEvent.class),
        DeviceEvent.getClassSchema()).encode(event).array();
    assertThat(new AvroSerde<>(DeviceEvent.class, FleetSchemaStore.current()).toBytes(event)).isEqualTo(avros);
  }

  @Test
  void aTruncatedRecordGivesAClearError() {
    AvroSerde<DeviceEvent> serde = FleetSerdes.deviceEvent();
    byte[] whole = serde.toBytes(DeviceEvent.newBuilder().setDeviceUuid("d1").setFleet("f").setKind(EventKind.OOM_KILL)
        .setAt(Instant.EPOCH).setUnit("kernel").setSummary("out of memory").setDetails(Map.of())
        .setBootId(null).setSeqnum(null).setReceivedAt(Instant.EPOCH).build());
    byte[] truncated = Arrays.copyOf(whole, whole.length - 5);
    assertThatThrownBy(() -> serde.fromBytes(truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Corrupt DeviceEvent record");
    assertThatThrownBy(() -> serde.fromBytes(new byte[] {(byte) 0xC3}))
        .hasMessageContaining("Not an Avro single-object encoded DeviceEvent");
  }

  @Test
  void everyRecordTypeRoundTrips() {
    Instant now = Instant.parse("2026-11-27T10:00:00Z");
    DeviceEvent event = DeviceEvent.newBuilder().setDeviceUuid("0123456789abcdef0123456789abcdef").setKind(EventKind.UNIT_RESTART)
        .setAt(now).setUnit("balena.service").setSummary("balena.service killed by SIGKILL")
        .setDetails(Map.of("clean", "false", "signal", "KILL")).setReceivedAt(now).build();
    Alert alert = Alert.newBuilder().setId("a1").setDeviceUuid(event.getDeviceUuid()).setKind(AlertKind.CRASHLOOP)
        .setSeverity(Severity.critical).setState(AlertState.FIRING).setSubject("balena.service").setSummary("crashloop")
        .setStartedAt(now).setEvidence(List.of("line 1")).build();
    DeviceHealth health = DeviceHealth.newBuilder().setDeviceUuid(event.getDeviceUuid()).setStatus(Status.FAIL).setLastSeen(now)
        .setChecks(List.of(HealthCheck.newBuilder().setName("check_container_engine").setStatus(Status.FAIL).setSince(now).build()))
        .build();

    assertThat(FleetSerdes.deviceEvent().fromBytes(FleetSerdes.deviceEvent().toBytes(event))).isEqualTo(event);
    assertThat(FleetSerdes.alert().fromBytes(FleetSerdes.alert().toBytes(alert))).isEqualTo(alert);
    assertThat(FleetSerdes.deviceHealth().fromBytes(FleetSerdes.deviceHealth().toBytes(health))).isEqualTo(health);
  }

  @Test
  void anAlertWithoutARuleIsWrittenWithTheSchemaThePreviousReleaseReads() throws IOException {
    Instant now = Instant.parse("2026-12-07T10:00:00Z");
    Alert plain = Alert.newBuilder().setId("a1").setDeviceUuid("d1").setKind(AlertKind.CRASHLOOP).setSeverity(Severity.critical)
        .setState(AlertState.FIRING).setSubject("balena.service").setSummary("crashloop").setStartedAt(now)
        .setEvidence(List.of("line 1")).build();
    Alert fromRule = Alert.newBuilder(plain).setKind(AlertKind.OTHER).setSubject("1")
        .setRule(new RuleRef("i2c_timeout", "3f2a1c0e9d8b", "I2C_TIMEOUT", "check_custom_i2c")).build();

    byte[] plainBytes = FleetSerdes.alert().toBytes(plain);
    byte[] ruleBytes = FleetSerdes.alert().toBytes(fromRule);

    assertThat(SingleObjectHeader.writerFingerprint(plainBytes)).isEqualTo(FleetSchemaStore.fingerprint(FleetSchemaStore.ALERT_1));
    assertThat(SingleObjectHeader.writerFingerprint(ruleBytes)).isEqualTo(FleetSchemaStore.fingerprint(FleetSchemaStore.ALERT_2));
    Alert regression = Alert.newBuilder(plain).setKind(AlertKind.RELEASE_REGRESSION).setDeviceUuid(null).setSubject("3f2a1c0").build();
    byte[] regressionBytes = FleetSerdes.alert().toBytes(regression);
    assertThat(SingleObjectHeader.writerFingerprint(regressionBytes)).isEqualTo(FleetSchemaStore.fingerprint(Alert.getClassSchema()));
    assertThat(FleetSerdes.alert().fromBytes(regressionBytes)).isEqualTo(regression);
    assertThat(FleetSerdes.alert().fromBytes(plainBytes)).isEqualTo(plain);
    assertThat(FleetSerdes.alert().fromBytes(ruleBytes)).isEqualTo(fromRule);
    // What the previous release decodes: the old schema, field for field.
    GenericRecord asBefore = new GenericDatumReader<GenericRecord>(FleetSchemaStore.ALERT_1).read(null, DecoderFactory.get()
        .binaryDecoder(plainBytes, SingleObjectHeader.LENGTH, plainBytes.length - SingleObjectHeader.LENGTH, null));
    assertThat(asBefore.get("subject").toString()).isEqualTo("balena.service");
    assertThat(asBefore.get("evidence").toString()).isEqualTo("[line 1]");
  }

  @Test
  void anEventOfAKindThePreviousReleaseKnowsIsWrittenWithItsSchemaAndEveryOldKindKeepsItsSymbol() throws IOException {
    Instant now = Instant.parse("2026-12-07T10:00:00Z");
    DeviceEvent known = DeviceEvent.newBuilder().setDeviceUuid("d1").setKind(EventKind.OTHER).setAt(now).setSummary("rule matched")
        .setReceivedAt(now).build();
    DeviceEvent reboot = DeviceEvent.newBuilder(known).setKind(EventKind.DEVICE_REBOOT).setSummary("rebooted").build();

    byte[] knownBytes = FleetSerdes.deviceEvent().toBytes(known);
    byte[] rebootBytes = FleetSerdes.deviceEvent().toBytes(reboot);

    assertThat(SingleObjectHeader.writerFingerprint(knownBytes)).isEqualTo(FleetSchemaStore.fingerprint(FleetSchemaStore.DEVICE_EVENT_1));
    assertThat(SingleObjectHeader.writerFingerprint(rebootBytes)).isEqualTo(FleetSchemaStore.fingerprint(DeviceEvent.getClassSchema()));
    assertThat(FleetSerdes.deviceEvent().fromBytes(knownBytes)).isEqualTo(known);
    assertThat(FleetSerdes.deviceEvent().fromBytes(rebootBytes)).isEqualTo(reboot);
    // The previous release decodes every kind it knows under its own symbol.
    for (EventKind kind : EventKind.values()) {
      if (kind == EventKind.DEVICE_REBOOT) {
        continue;
      }
      byte[] bytes = FleetSerdes.deviceEvent().toBytes(DeviceEvent.newBuilder(known).setKind(kind).build());
      GenericRecord asBefore = new GenericDatumReader<GenericRecord>(FleetSchemaStore.DEVICE_EVENT_1).read(null, DecoderFactory.get()
          .binaryDecoder(bytes, SingleObjectHeader.LENGTH, bytes.length - SingleObjectHeader.LENGTH, null));
      assertThat(asBefore.get("kind").toString()).isEqualTo(kind.name());
    }
  }

  @Test
  void healthWithoutSoftwareIsWrittenWithTheSchemaThePreviousReleaseReads() throws IOException {
    Instant now = Instant.parse("2026-12-07T10:00:00Z");
    DeviceHealth plain = DeviceHealth.newBuilder().setDeviceUuid("d1").setFleet("harbor").setStatus(Status.WARN).setLastSeen(now)
        .setChecks(List.of(new HealthCheck("check_timesync", Status.WARN, "clock stepped", now))).build();
    DeviceHealth withSoftware = DeviceHealth.newBuilder(plain)
        .setSoftware(new Software("balenaOS 2.115.1", "14.11.2", "3f2a1c0", "raspberrypi4-64", now)).build();

    byte[] plainBytes = FleetSerdes.deviceHealth().toBytes(plain);
    byte[] softwareBytes = FleetSerdes.deviceHealth().toBytes(withSoftware);

    assertThat(SingleObjectHeader.writerFingerprint(plainBytes)).isEqualTo(FleetSchemaStore.fingerprint(FleetSchemaStore.DEVICE_HEALTH_1));
    assertThat(SingleObjectHeader.writerFingerprint(softwareBytes)).isEqualTo(FleetSchemaStore.fingerprint(DeviceHealth.getClassSchema()));
    assertThat(FleetSerdes.deviceHealth().fromBytes(plainBytes)).isEqualTo(plain);
    assertThat(FleetSerdes.deviceHealth().fromBytes(softwareBytes)).isEqualTo(withSoftware);
    GenericRecord asBefore = new GenericDatumReader<GenericRecord>(FleetSchemaStore.DEVICE_HEALTH_1).read(null, DecoderFactory.get()
        .binaryDecoder(plainBytes, SingleObjectHeader.LENGTH, plainBytes.length - SingleObjectHeader.LENGTH, null));
    assertThat(asBefore.get("status").toString()).isEqualTo("WARN");
    assertThat(asBefore.get("checks").toString()).contains("clock stepped");
  }

  @Test
  void aPreviousSchemaThatIsNotACurrentPrefixIsRefused() {
    assertThatThrownBy(() -> AvroSerde.writingPrevious(Alert.class, FleetSchemaStore.current(), DeviceEvent.getClassSchema(), a -> true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without its last fields");
  }

  private static byte[] encode(Schema schema, GenericRecord record) {
    try {
      return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record).array();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
