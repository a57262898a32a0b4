package io.fleetpulse.collector.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of the two journal parsers. Every build replays the checked-in corpus
 * ({@code JournalParsersFuzzTestInputs/<method>/} in the test resources, findings included);
 * {@code scripts/fuzz.sh} fuzzes each for a bounded time. Either a parser gives entries or refuses with a
 * {@link MalformedEntryException}; anything else (another exception, a hang) is a finding. The export
 * parser must also not care where the body was cut into chunks.
 */
class JournalParsersFuzzTest {

  private static final JournalLimits LIMITS = new JournalLimits(512, 2048, 32, 1 << 20);
  private static final DeviceRef DEVICE = new DeviceRef("a".repeat(32), "default");

  @FuzzTest(maxDuration = "60s")
  void journalExportFormat(byte[] input) {
    String whole = exportEntries(input, input.length);
    String cut = exportEntries(input, input.length == 0 ? 0 : (input[0] & 0xff) % (input.length + 1));
    assertThat(cut).as("the same body cut into two chunks").isEqualTo(whole);
  }

  @FuzzTest(maxDuration = "60s")
  void journalctlJson(byte[] input) {
    JournalEntryNormalizer normalizer = new JournalEntryNormalizer();
    try {
      JournalFields fields = new JournalJsonParser(LIMITS).parse(input, 0, input.length);
      for (String name : fields.names()) {
        assertThat(name.length()).as("field names are bounded").isLessThanOrEqualTo(LIMITS.maxEntryBytes());
      }
      normalizer.normalize(fields, DEVICE, Instant.EPOCH, "push-json");
    } catch (MalformedEntryException refused) {
      // refused with a reason: fine
    }
  }

  /** The entries of {@code input} fed in two chunks split at {@code cut}, rendered, or the refusal. */
  private static String exportEntries(byte[] input, int cut) {
    JournalExportParser parser = new JournalExportParser(LIMITS);
    List<String> entries = new ArrayList<>();
    JournalFieldsHandler render = fields -> {
      StringBuilder entry = new StringBuilder();
      for (String name : fields.names()) {
        entry.append(name).append('=').append(java.util.Arrays.toString(fields.first(name))).append(';');
      }
      entries.add(entry.toString());
    };
    try {
      parser.feed(input, 0, cut, render);
      parser.feed(input, cut, input.length - cut, render);
      parser.finish(render);
      return entries.toString();
    } catch (MalformedEntryException refused) {
      return entries.size() + " entries, then refused";
    }
  }
}
