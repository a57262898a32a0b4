package io.fleetpulse.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.collector.journal.JournalExportParser;
import io.fleetpulse.collector.journal.JournalFields;
import io.fleetpulse.collector.journal.JournalLimits;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the simulator sends as systemd-journal-upload would is what the collector's parser reads back. */
class JournalExportTest {

  @Test
  void textAndMultiLineFieldsRoundTripThroughTheCollectorsParser() throws Exception {
    List<JsonObject> entries = List.of(
        new JsonObject().put("__SEQNUM", "7").put("_SYSTEMD_UNIT", "balena.service").put("MESSAGE", "one line"),
        new JsonObject().put("__SEQNUM", "8").put("MESSAGE", "first line\nsecond line"));
    byte[] export = JournalExport.of(entries);

    List<JournalFields> parsed = new ArrayList<>();
    JournalExportParser parser = new JournalExportParser(JournalLimits.DEFAULT);
    parser.feed(export, 0, export.length, parsed::add);
    parser.finish(parsed::add);

    assertThat(parsed).hasSize(2);
    assertThat(parsed.get(0).text("_SYSTEMD_UNIT")).isEqualTo("balena.service");
    assertThat(parsed.get(0).text("MESSAGE")).isEqualTo("one line");
    assertThat(parsed.get(1).text("__SEQNUM")).isEqualTo("8");
    assertThat(parsed.get(1).text("MESSAGE")).isEqualTo("first line\nsecond line");
  }
}
