package io.fleetpulse.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class JournalEntryLayoutTest {

  @Test
  void theCurrentSchemaHasTheLayoutTheCodecsWereWrittenFor() {
    assertThat(JournalEntryLayout.of(JournalEntry.getClassSchema())).isEqualTo(JournalEntryLayout.FIELDS);
    JournalEntryLayout.requireCurrent("a codec");
  }

  @Test
  void aChangedFieldListIsDescribedDifferently() {
    Schema changed = new Schema.Parser().parse("""
        {"type": "record", "name": "JournalEntry", "namespace": "io.fleetpulse.schemas", "fields": [
          {"name": "deviceUuid", "type": "string"}, {"name": "unit", "type": "string"},
          {"name": "pid", "type": ["null", "long"], "default": null}]}""");
    assertThat(JournalEntryLayout.of(changed)).isEqualTo("deviceUuid:string unit:string pid:[null,long]");
    assertThat(JournalEntryLayout.of(changed)).isNotEqualTo(JournalEntryLayout.FIELDS);
  }

  @Test
  void theHeaderCarriesTheMarkerAndTheWriterFingerprint() {
    byte[] header = SingleObjectHeader.of(JournalEntry.getClassSchema());
    assertThat(header).hasSize(SingleObjectHeader.LENGTH);
    assertThat(SingleObjectHeader.startsWithMarker(header)).isTrue();
    assertThat(SingleObjectHeader.writerFingerprint(header)).isEqualTo(FleetSchemaStore.fingerprint(JournalEntry.getClassSchema()));
    assertThat(SingleObjectHeader.startsWithMarker(new byte[] {(byte) 0xC3})).isFalse();
  }
}
