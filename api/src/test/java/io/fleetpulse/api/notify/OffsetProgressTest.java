package io.fleetpulse.api.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

/** A route's commit says exactly which alerts after it are still due, across one restart and the next. */
class OffsetProgressTest {

  @Test
  void theCommitIsTheOldestDueAndNamesTheOthersStillDue() {
    OffsetProgress progress = OffsetProgress.resume(null);
    for (long offset = 10; offset < 16; offset++) {
      progress.read(offset);
      progress.handedToLane(offset, 1_000 + offset);
    }
    progress.done(10);
    progress.done(12);
    progress.done(13);
    progress.done(15);

    OffsetAndMetadata commit = progress.commit();
    assertThat(commit.offset()).isEqualTo(11);
    assertThat(progress.oldestDueRaisedAt()).isEqualTo(1_011);

    OffsetProgress resumed = OffsetProgress.resume(commit);
    assertThat(resumed.doneBeforeResume(11)).isFalse();
    assertThat(resumed.doneBeforeResume(12)).isTrue();
    assertThat(resumed.doneBeforeResume(13)).isTrue();
    assertThat(resumed.doneBeforeResume(14)).isFalse();
    assertThat(resumed.doneBeforeResume(15)).isTrue();
    assertThat(resumed.doneBeforeResume(16)).as("never read").isFalse();
  }

  @Test
  void nothingDueCommitsWhatWasRead() {
    OffsetProgress progress = OffsetProgress.resume(null);
    progress.read(7);
    assertThat(progress.commit().offset()).isEqualTo(8);
    assertThat(OffsetProgress.resume(progress.commit()).doneBeforeResume(8)).isFalse();
    assertThat(progress.oldestDueRaisedAt()).isZero();
  }

  /** Restarted again before reading all it had read before: what was due then and is not read yet stays due. */
  @Test
  void aSecondRestartWhileReadingAgainKeepsWhatTheFirstSaid() {
    OffsetProgress first = OffsetProgress.resume(null);
    for (long offset = 0; offset < 6; offset++) {
      first.read(offset);
      first.handedToLane(offset, offset);
    }
    first.done(0);
    first.done(2);
    first.done(4);
    OffsetProgress second = OffsetProgress.resume(first.commit()); // due: 1, 3, 5
    second.read(1);
    second.handedToLane(1, 1);
    second.done(1);

    OffsetProgress third = OffsetProgress.resume(second.commit());
    assertThat(third.doneBeforeResume(1)).isTrue();
    assertThat(third.doneBeforeResume(2)).isTrue();
    assertThat(third.doneBeforeResume(3)).isFalse();
    assertThat(third.doneBeforeResume(4)).isTrue();
    assertThat(third.doneBeforeResume(5)).isFalse();
  }

  @Test
  void aCommitWithoutOurMetadataResumesFromItsOffset() {
    OffsetProgress resumed = OffsetProgress.resume(new OffsetAndMetadata(42, ""));
    assertThat(resumed.doneBeforeResume(41)).isTrue();
    assertThat(resumed.doneBeforeResume(42)).isFalse();
  }
}
