package io.fleetpulse.launcher.doctor;

import io.fleetpulse.api.pipeline.OpenTransaction;
import io.fleetpulse.api.pipeline.PartitionOffsets;
import io.fleetpulse.api.pipeline.TransactionInspector;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * What {@code ./fleetpulse doctor} checks, in the order an operator reads it: partitions held up by an
 * open transaction (and which of those hang: open longer than any fleetpulse transaction may be, the
 * check of {@code kafka-transactions.sh find-hanging}), the streams' read_committed lag, and the
 * transactional ids in use. With {@code abortHanging} it aborts the hanging ones after saying what it will do.
 */
public final class PipelineDoctor {

  /**
   * @param topicPrefixes fleetpulse's topics
   * @param transactionalIdPrefixes fleetpulse's producers (push and SSH collectors, the streams)
   * @param hangingAfter an open transaction whose producer last wrote longer ago than this hangs
   */
  public record Settings(List<String> topicPrefixes, List<String> transactionalIdPrefixes, String applicationId,
                         Duration hangingAfter, boolean abortHanging) {}

  /** What the examination found; {@code unresolved} hanging transactions make the exit code 1. */
  public record Findings(int hanging, int ended, int unresolved) {}

  private final TransactionInspector inspector;
  private final Settings settings;
  private final PrintWriter out;
  private final Clock clock;

  public PipelineDoctor(TransactionInspector inspector, Settings settings, PrintWriter out, Clock clock) {
    this.inspector = inspector;
    this.settings = settings;
    this.out = out;
    this.clock = clock;
  }

  public Findings examine() {
    Predicate<String> ours = topic -> settings.topicPrefixes().stream().anyMatch(topic::startsWith);
    List<TopicPartition> partitions = new ArrayList<>(inspector.partitions(ours));
    // The streams commit their offsets in their transactions: one left open there stalls them as surely.
    inspector.offsetsPartition(settings.applicationId()).ifPresent(partitions::add);
    Map<TopicPartition, PartitionOffsets> offsets = inspector.offsets(partitions);
    List<PartitionOffsets> heldUp = offsets.values().stream().filter(offset -> offset.pending() > 0)
        .sorted(Comparator.comparing((PartitionOffsets offset) -> offset.partition().toString())).toList();

    out.printf("Partitions of fleetpulse's topics: %d; with records behind an open transaction: %d%n", partitions.size(), heldUp.size());
    List<OpenTransaction> hanging = new ArrayList<>();
    Map<TopicPartition, List<OpenTransaction>> open = inspector.openTransactions(heldUp.stream().map(PartitionOffsets::partition).toList());
    for (PartitionOffsets partition : heldUp) {
      out.printf("  %s: last stable offset %d, high watermark %d (%d records not readable by the streams)%n",
          partition.partition(), partition.lastStable(), partition.highWatermark(), partition.pending());
      for (OpenTransaction transaction : open.getOrDefault(partition.partition(), List.of())) {
        Duration idle = Duration.ofMillis(Math.max(0, clock.millis() - transaction.lastWriteMillis()));
        boolean hangs = idle.compareTo(settings.hangingAfter()) >= 0;
        out.printf("    producer %d (epoch %d) open since offset %d, last write %d s ago%s%n", transaction.producerId(),
            transaction.producerEpoch(), transaction.startOffset(), idle.toSeconds(), hangs ? ": HANGING" : "");
        if (hangs) {
          hanging.add(transaction);
        }
      }
    }

    int ended = 0;
    if (!hanging.isEmpty() && !settings.abortHanging()) {
      out.printf("%d hanging transaction(s). Run again with --abort-hanging to end them: those whose coordinator decided to "
          + "commit are committed, the others aborted (their records become invisible to the streams, and devices re-send "
          + "whatever was not answered 202).%n", hanging.size());
    }
    if (settings.abortHanging()) {
      for (OpenTransaction transaction : hanging) {
        out.printf("Ending the transaction of producer %d (epoch %d) on %s open since offset %d … ", transaction.producerId(),
            transaction.producerEpoch(), transaction.partition(), transaction.startOffset());
        out.flush();
        try {
          TransactionInspector.Ended outcome = inspector.end(transaction);
          ended++;
          out.println(switch (outcome.ending()) {
            case COMMITTED -> "committed (its coordinator had decided to commit; the marker had never arrived)";
            case ABORTED -> "aborted";
            case ABORTED_THOUGH_COMMITTED -> "aborted, though its coordinator had decided to commit: the COMMIT marker could not be "
                + "written (" + outcome.commitFailure() + "), records answered 202 may be lost";
          });
        } catch (KafkaException e) {
          out.println("FAILED: " + e.getMessage() + " (needs WRITE on the topic; kafka-transactions.sh abort is the alternative)");
        }
      }
    }

    printLag(offsets);
    printTransactionalIds();
    out.flush();
    return new Findings(hanging.size(), ended, hanging.size() - ended);
  }

  private void printLag(Map<TopicPartition, PartitionOffsets> offsets) {
    Map<String, Long> lag = inspector.readCommittedLag(settings.applicationId(), offsets);
    if (lag.isEmpty()) {
      out.printf("Streams (consumer group %s): no committed offsets yet%n", settings.applicationId());
      return;
    }
    out.printf("Streams (consumer group %s) read_committed lag:%n", settings.applicationId());
    lag.forEach((topic, behind) -> out.printf("  %-40s %d%n", topic, behind));
  }

  private void printTransactionalIds() {
    List<TransactionInspector.TransactionalIdState> ids = inspector.transactionalIds(settings.transactionalIdPrefixes());
    out.printf("Transactional ids in use: %d%n", ids.size());
    for (TransactionInspector.TransactionalIdState id : ids) {
      out.printf("  %s: producer %d, %s%s%n", id.transactionalId(), id.producerId(), id.state(),
          id.partitions().isEmpty() ? "" : ", partitions " + id.partitions());
    }
  }
}
