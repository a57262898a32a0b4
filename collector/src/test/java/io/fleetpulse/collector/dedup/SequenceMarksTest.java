package io.fleetpulse.collector.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.collector.journal.JournalEntryNormalizer;
import io.fleetpulse.collector.journal.JournalFields;
import io.fleetpulse.schemas.JournalEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SequenceMarksTest {

  private static final String DEVICE = "e0000000000000000000000000000001";

  @Test
  void dropsEntriesAtOrBelowTheMarkOfTheirSequenceIdAndKeepsEntriesWithoutOne() throws Exception {
    SequenceMarks marks = new SequenceMarks(Map.of(DEVICE, Map.of("aaa", 10L)));
    SequenceMarks.ResendFilter filter = marks.filterFor(DEVICE);

    assertThat(filter.isResent(entry("s=aaa;i=a;b=x"))).isTrue();
    assertThat(filter.isResent(entry("s=aaa;i=b;b=x"))).isFalse();
    assertThat(filter.isResent(entry("s=aaa;i=b;b=x"))).as("twice in one request").isTrue();
    assertThat(filter.isResent(entry("s=bbb;i=1;b=x"))).as("another sequence id").isFalse();
    assertThat(filter.isResent(entry(null))).isFalse();
    assertThat(filter.isResent(entry(null))).isFalse();
  }

  @Test
  void advancesOnlyWhenDeliveredAndRoundTripsThroughItsStoredForm() throws Exception {
    SequenceMarks marks = new SequenceMarks(Map.of());
    marks.filterFor(DEVICE).isResent(entry("s=aaa;i=5;b=x"));
    assertThat(marks.filterFor(DEVICE).isResent(entry("s=aaa;i=5;b=x"))).as("not delivered yet").isFalse();

    Map<String, Long> now = marks.delivered(DEVICE, List.of(entry("s=aaa;i=5;b=x"), entry("s=aaa;i=3;b=x")), List.of());

    assertThat(now).containsExactly(Map.entry("aaa", 5L));
    assertThat(SequenceMarkStore.decode(SequenceMarkStore.encode(now))).isEqualTo(now);
    assertThat(marks.filterFor(DEVICE).isResent(entry("s=aaa;i=4;b=x"))).isTrue();
  }

  @Test
  void afterAPartialFailureOnlyTheLostEntriesGetThrough() throws Exception {
    SequenceMarks marks = new SequenceMarks(Map.of());

    Map<String, Long> stored = marks.delivered(DEVICE,
        List.of(entry("s=aaa;i=1;b=x"), entry("s=aaa;i=3;b=x"), entry("s=aaa;i=5;b=x")),
        List.of(entry("s=aaa;i=2;b=x"), entry("s=aaa;i=4;b=x")));

    assertThat(stored).containsExactly(Map.entry("aaa", 1L));
    SequenceMarks.ResendFilter resend = marks.filterFor(DEVICE);
    assertThat(List.of(1, 2, 3, 4, 5)).map(i -> resend.isResent(entry("s=aaa;i=" + i + ";b=x")))
        .containsExactly(true, false, true, false, true);
    marks.delivered(DEVICE, List.of(entry("s=aaa;i=2;b=x"), entry("s=aaa;i=4;b=x")), List.of());
    assertThat(marks.delivered(DEVICE, List.of(), List.of())).containsExactly(Map.entry("aaa", 4L));
  }

  private static JournalEntry entry(String cursor) throws Exception {
    JournalFields fields = new JournalFields();
    if (cursor != null) {
      fields.add("__CURSOR", cursor.getBytes(StandardCharsets.UTF_8));
    }
    fields.add("MESSAGE", "m".getBytes(StandardCharsets.UTF_8));
    return new JournalEntryNormalizer().normalize(fields, new DeviceRef(DEVICE, "default"), Instant.EPOCH, "push-export");
  }
}
