package io.fleetpulse.collector.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.collector.journal.JournalEntryNormalizer;
import io.fleetpulse.collector.journal.JournalFields;
import io.fleetpulse.schemas.JournalEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SequenceMarksTest {

  private static final String DEVICE = "e0000000000000000000000000000001";

  @Test
  void dropsEntriesAtOrBelowTheMarkOfTheirSequenceIdAndKeepsEntriesWithoutOne() throws Exception {
    SequenceMarks marks = new SequenceMarks(Map.of(DEVICE, Map.of("aaa", 10L)));
    SequenceMarks.ResendFilter filter = marks.filterFor(DEVICE);

    assertThat(offer(filter, entry("s=aaa;i=a;b=x"))).isTrue();
    assertThat(offer(filter, entry("s=aaa;i=b;b=x"))).isFalse();
    assertThat(offer(filter, entry("s=aaa;i=b;b=x"))).as("twice in one request").isTrue();
    assertThat(offer(filter, entry("s=bbb;i=1;b=x"))).as("another sequence id").isFalse();
    assertThat(offer(filter, entry(null))).isFalse();
    assertThat(offer(filter, entry(null))).isFalse();
  }

  @Test
  void advancesOnlyWhenCommittedAndRoundTripsThroughItsStoredForm() throws Exception {
    SequenceMarks marks = new SequenceMarks(Map.of());
    SequenceMarks.ResendFilter request = marks.filterFor(DEVICE);
    offer(request, entry("s=aaa;i=5;b=x"));
    offer(request, entry("s=aaa;i=3;b=x"));
    assertThat(marks.filterFor(DEVICE).isResent(entry("s=aaa;i=5;b=x"))).as("not committed yet").isFalse();

    Map<String, Long> now = request.marks();
    marks.committed(DEVICE, now);

    assertThat(now).containsExactly(Map.entry("aaa", 5L));
    assertThat(SequenceMarkStore.decode(SequenceMarkStore.encode(now))).isEqualTo(now);
    assertThat(marks.filterFor(DEVICE).isResent(entry("s=aaa;i=4;b=x"))).isTrue();
  }

  @Test
  void keepsTheMostRecentlyUsedSequenceIds() throws Exception {
    SequenceMarks.ResendFilter request = new SequenceMarks(Map.of()).filterFor(DEVICE);
    for (int id = 0; id < SequenceMarks.IDS_PER_DEVICE + 2; id++) {
      offer(request, entry("s=id" + id + ";i=1;b=x"));
    }
    offer(request, entry("s=id0;i=2;b=x"));

    assertThat(request.marks()).hasSize(SequenceMarks.IDS_PER_DEVICE).containsEntry("id0", 2L)
        .doesNotContainKeys("id1", "id2");
  }

  @Test
  void aDeviceWhosePushIsInDoubtIsRefusedUntilItIsSettledAndItsMarksComeFromTheStoreOnly() throws Exception {
    SequenceMarks marks = new SequenceMarks(Map.of(DEVICE, Map.of("aaa", 1L)));
    CompletableFuture<Boolean> settled = new CompletableFuture<>();

    marks.inDoubt(DEVICE, settled);
    assertThat(marks.isInDoubt(DEVICE)).isTrue();
    settled.complete(true);

    assertThat(marks.isInDoubt(DEVICE)).isFalse();
    assertThat(marks.filterFor(DEVICE).isResent(entry("s=aaa;i=7;b=x"))).as("not read back from the store yet").isFalse();
    marks.committed(DEVICE, Map.of("aaa", 7L));
    assertThat(marks.filterFor(DEVICE).isResent(entry("s=aaa;i=7;b=x"))).as("read back").isTrue();
  }

  @Test
  void aPushThatStaysInDoubtUntilTheCollectorStopsKeepsItsDeviceRefused() {
    SequenceMarks marks = new SequenceMarks(Map.of());
    CompletableFuture<Boolean> settled = new CompletableFuture<>();

    marks.inDoubt(DEVICE, settled);
    settled.completeExceptionally(new IllegalStateException("the collector stopped"));

    assertThat(marks.isInDoubt(DEVICE)).isTrue();
  }

  static JournalEntry entry(String cursor) throws Exception {
    JournalFields fields = new JournalFields();
    if (cursor != null) {
      fields.add("__CURSOR", cursor.getBytes(StandardCharsets.UTF_8));
    }
    fields.add("MESSAGE", "m".getBytes(StandardCharsets.UTF_8));
    return new JournalEntryNormalizer().normalize(fields, new DeviceRef(DEVICE, "default"), Instant.EPOCH, "push-export");
  }

  /** What a push does with each entry: a re-send is dropped, a new entry let through. */
  private static boolean offer(SequenceMarks.ResendFilter filter, JournalEntry entry) {
    if (filter.isResent(entry)) {
      return true;
    }
    filter.letThrough(entry);
    return false;
  }
}
