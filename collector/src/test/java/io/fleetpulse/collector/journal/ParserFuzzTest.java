package io.fleetpulse.collector.journal;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Random and mutated inputs: both parsers either give entries or a MalformedEntryException, never
 * another exception, never a hang. Seeds are fixed per repetition so a failure can be replayed.
 */
class ParserFuzzTest {

  private static final JournalLimits LIMITS = new JournalLimits(512, 2048, 32, 1 << 20);
  private static final byte[] EXPORT_SEED = JournalExportParserTest.concat(
      JournalExportParserTest.ascii("__CURSOR=s=a;i=1\n__REALTIME_TIMESTAMP=1\nMESSAGE=hello\n"),
      JournalExportParserTest.ascii("BLOB\n"), JournalExportParserTest.le64(3), new byte[] {1, '\n', 3},
      JournalExportParserTest.ascii("\n_SYSTEMD_UNIT=balena.service\n\nMESSAGE=second\n\n"));
  private static final byte[] JSON_SEED = ("{\"__CURSOR\":\"s=a;i=1\",\"MESSAGE\":[104,105],\"F\":[\"a\",[1,2]],\"G\":null,"
      + "\"_PID\":\"12\"}").getBytes(StandardCharsets.UTF_8);

  @RepeatedTest(200)
  @Timeout(5)
  void exportParserSurvivesMutatedAndRandomInput(RepetitionInfo repetition) {
    Random random = new Random(repetition.getCurrentRepetition());
    for (byte[] input : List.of(InputMutator.mutate(EXPORT_SEED, random), InputMutator.randomBytes(random))) {
      assertThatCode(() -> {
        try {
          JournalExportParser parser = new JournalExportParser(LIMITS);
          List<JournalFields> entries = new ArrayList<>();
          int cut = random.nextInt(input.length + 1);
          parser.feed(input, 0, cut, entries::add);
          parser.feed(input, cut, input.length - cut, entries::add);
          parser.finish(entries::add);
        } catch (MalformedEntryException expected) {
          // refused with a reason: fine
        }
      }).doesNotThrowAnyException();
    }
  }

  @RepeatedTest(200)
  @Timeout(5)
  void jsonParserSurvivesMutatedAndRandomInput(RepetitionInfo repetition) {
    Random random = new Random(repetition.getCurrentRepetition());
    JournalJsonParser parser = new JournalJsonParser(LIMITS);
    JournalEntryNormalizer normalizer = new JournalEntryNormalizer();
    for (byte[] input : List.of(InputMutator.mutate(JSON_SEED, random), InputMutator.randomBytes(random))) {
      assertThatCode(() -> {
        try {
          normalizer.normalize(parser.parse(input, 0, input.length), new DeviceRef("a".repeat(32), "default"),
              java.time.Instant.EPOCH, "push-json");
        } catch (MalformedEntryException expected) {
          // refused with a reason: fine
        }
      }).doesNotThrowAnyException();
    }
  }
}
