package io.fleetpulse.collector.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of the SSH stream's line splitter against a plain oracle: whatever the
 * chunking, every non-empty line up to the limit comes out whole and in order, every longer one is
 * reported with its exact length, and an unfinished last line is held, not emitted.
 */
class LineSplitterFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void linesWhateverTheChunking(FuzzedDataProvider data) {
    int maxLineBytes = data.consumeInt(1, 64);
    int chunks = data.consumeInt(1, 8);
    byte[] stream = data.consumeRemainingAsBytes();

    List<String> seen = new ArrayList<>();
    LineSplitter splitter = new LineSplitter(maxLineBytes);
    LineSplitter.Lines collect = new LineSplitter.Lines() {
      @Override
      public void line(byte[] bytes, int offset, int length) {
        seen.add("line " + Arrays.toString(Arrays.copyOfRange(bytes, offset, offset + length)));
      }

      @Override
      public void tooLong(long length) {
        seen.add("too long " + length);
      }
    };
    int chunk = Math.max(1, stream.length / chunks);
    for (int from = 0; from < stream.length; from += chunk) {
      splitter.feed(stream, from, Math.min(chunk, stream.length - from), collect);
    }

    List<String> expected = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < stream.length; i++) {
      if (stream[i] == '\n') {
        int length = i - start;
        if (length > maxLineBytes) {
          expected.add("too long " + length);
        } else if (length > 0) {
          expected.add("line " + Arrays.toString(Arrays.copyOfRange(stream, start, i)));
        }
        start = i + 1;
      }
    }
    assertThat(seen).isEqualTo(expected);
    int unfinished = stream.length - start;
    assertThat(splitter.unfinished()).isEqualTo(unfinished > maxLineBytes ? 0 : unfinished);
  }
}
