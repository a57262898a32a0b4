package io.fleetpulse.api.pipeline;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.coordinator.transaction.generated.TransactionLogKey;
import org.apache.kafka.coordinator.transaction.generated.TransactionLogValue;

/**
 * What the transaction coordinators wrote in {@code __transaction_state}: for a hanging transaction, the
 * decision its coordinator logged, whatever state it has moved on to since.
 *
 * <p>Why it is needed: after an unclean restart a coordinator re-sends the markers of the transactions it
 * had prepared, and where the metadata it has not caught up with yet knows no leader for a partition it
 * takes the partition for deleted, skips its marker and logs the transaction complete (Kafka's
 * TransactionMarkerChannelManager). The partition then holds that producer's records open for good, and
 * the coordinator's current state says nothing about them: the same producer has gone on with other
 * transactions. Its log still has the PrepareCommit or PrepareAbort that named the partition.
 */
final class TransactionLog implements AutoCloseable {

  /** The coordinator's decision, as logged: commit or abort. */
  enum Decision { COMMIT, ABORT }

  // TransactionState ids in the log (org.apache.kafka.coordinator.transaction.TransactionState).
  private static final byte ONGOING = 1;
  private static final byte PREPARE_COMMIT = 2;
  private static final byte PREPARE_ABORT = 3;

  /** How far before the transaction's last write its decision is looked for: longer than any transaction of fleetpulse. */
  private static final Duration LOOK_BACK = Duration.ofMinutes(5);

  private final KafkaConsumer<ByteBuffer, ByteBuffer> consumer;
  private final Duration timeout;

  TransactionLog(String bootstrap, Duration timeout) {
    this.timeout = timeout;
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.CLIENT_ID_CONFIG, "fleetpulse-pipeline-watchdog-txnlog",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()),
        new ByteBufferDeserializer(), new ByteBufferDeserializer());
  }

  /**
   * The last decision logged for producer {@code producerId} of {@code transactionalId} on a transaction that
   * included {@code partition}, looked for from shortly before {@code lastWriteMillis} on; empty when none
   * was logged (the producer never ended it), or when a later transaction of that producer that includes
   * the partition is still open (its own decision will end the partition's records).
   */
  Optional<Decision> lastDecision(String transactionalId, long producerId, TopicPartition partition, long lastWriteMillis) {
    TopicPartition log = new TopicPartition(Topic.TRANSACTION_STATE_TOPIC_NAME,
        Utils.abs(transactionalId.hashCode()) % consumer.partitionsFor(Topic.TRANSACTION_STATE_TOPIC_NAME, timeout).size());
    consumer.assign(List.of(log));
    long end = consumer.endOffsets(List.of(log), timeout).get(log);
    OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(log, lastWriteMillis - LOOK_BACK.toMillis()), timeout).get(log);
    if (start == null) {
      return Optional.empty(); // nothing logged since
    }
    consumer.seek(log, start.offset());
    Optional<Decision> decision = Optional.empty();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (consumer.position(log, timeout) < end) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("reading " + log + " took longer than " + timeout.toSeconds() + " s");
      }
      for (ConsumerRecord<ByteBuffer, ByteBuffer> record : consumer.poll(Duration.ofMillis(200))) {
        Optional<TransactionLogValue> state = stateOf(record, transactionalId);
        if (state.isEmpty() || state.get().producerId() != producerId || !names(state.get(), partition)) {
          continue;
        }
        byte status = state.get().transactionStatus();
        if (status == PREPARE_COMMIT) {
          decision = Optional.of(Decision.COMMIT);
        } else if (status == PREPARE_ABORT) {
          decision = Optional.of(Decision.ABORT);
        } else if (status == ONGOING) {
          decision = Optional.empty();
        }
      }
    }
    return decision;
  }

  private static Optional<TransactionLogValue> stateOf(ConsumerRecord<ByteBuffer, ByteBuffer> record, String transactionalId) {
    if (record.key() == null || record.value() == null) {
      return Optional.empty();
    }
    ByteBuffer key = record.key().duplicate();
    short keyVersion = key.getShort();
    TransactionLogKey logKey = new TransactionLogKey(new ByteBufferAccessor(key), keyVersion);
    if (!logKey.transactionalId().equals(transactionalId)) {
      return Optional.empty();
    }
    ByteBuffer value = record.value().duplicate();
    short valueVersion = value.getShort();
    return Optional.of(new TransactionLogValue(new ByteBufferAccessor(value), valueVersion));
  }

  private static boolean names(TransactionLogValue state, TopicPartition partition) {
    return state.transactionPartitions() != null && state.transactionPartitions().stream()
        .anyMatch(topic -> topic.topic().equals(partition.topic()) && topic.partitionIds().contains(partition.partition()));
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
