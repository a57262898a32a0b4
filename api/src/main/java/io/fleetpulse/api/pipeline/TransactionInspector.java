package io.fleetpulse.api.pipeline;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.TransactionResult;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.apache.kafka.common.utils.Utils;

/**
 * Kafka's view of fleetpulse's transactions, through the admin API: partition offsets for both kinds of
 * readers, the transactions open on a partition, the transactional ids in use, a consumer group's
 * position, and the end of a transaction that holds a partition: the abort of KIP-664 (what
 * {@code kafka-transactions.sh abort} does), or the commit its coordinator decided. Every call blocks up
 * to {@code timeout}; call it off the event loops.
 */
public final class TransactionInspector {

  private final Admin admin;
  private final Duration timeout;

  public TransactionInspector(Admin admin, Duration timeout) {
    this.admin = admin;
    this.timeout = timeout;
  }

  /** Every partition of the topics whose name {@code watched} accepts (internal topics never). */
  public List<TopicPartition> partitions(Predicate<String> watched) {
    Set<String> topics = get(admin.listTopics().names()).stream().filter(watched).collect(Collectors.toSet());
    if (topics.isEmpty()) {
      return List.of();
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (TopicDescription topic : get(admin.describeTopics(topics).allTopicNames()).values()) {
      topic.partitions().forEach(info -> partitions.add(new TopicPartition(topic.name(), info.partition())));
    }
    partitions.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    return partitions;
  }

  /**
   * The partition of {@code __consumer_offsets} that holds consumer group {@code groupId}'s offsets: a
   * transactional offset commit left open there keeps the group's members from reading their positions
   * (UNSTABLE_OFFSET_COMMIT), however free the data partitions are.
   */
  public Optional<TopicPartition> offsetsPartition(String groupId) {
    int partitions;
    try {
      partitions = get(admin.describeTopics(List.of(Topic.GROUP_METADATA_TOPIC_NAME)).allTopicNames())
          .get(Topic.GROUP_METADATA_TOPIC_NAME).partitions().size();
    } catch (UnknownTopicOrPartitionException notYet) {
      return Optional.empty(); // created with the first group; nothing can be committed there yet
    }
    return Optional.of(new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, Utils.abs(groupId.hashCode()) % partitions));
  }

  /** Last stable offset and high watermark of each partition. */
  public Map<TopicPartition, PartitionOffsets> offsets(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    Map<TopicPartition, OffsetSpec> latest = partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> stable =
        get(admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all());
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> high =
        get(admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all());
    Map<TopicPartition, PartitionOffsets> offsets = new HashMap<>();
    for (TopicPartition partition : partitions) {
      offsets.put(partition, new PartitionOffsets(partition, stable.get(partition).offset(), high.get(partition).offset()));
    }
    return offsets;
  }

  /** The transactions open on each partition, oldest first. */
  public Map<TopicPartition, List<OpenTransaction>> openTransactions(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    var result = admin.describeProducers(partitions);
    Map<TopicPartition, List<OpenTransaction>> open = new HashMap<>();
    for (TopicPartition partition : partitions) {
      List<OpenTransaction> transactions = new ArrayList<>();
      for (ProducerState producer : get(result.partitionResult(partition)).activeProducers()) {
        if (producer.currentTransactionStartOffset().isPresent()) {
          transactions.add(new OpenTransaction(partition, producer.producerId(), producer.producerEpoch(),
              producer.coordinatorEpoch().orElse(-1), producer.currentTransactionStartOffset().getAsLong(), producer.lastTimestamp()));
        }
      }
      transactions.sort(Comparator.comparingLong(OpenTransaction::startOffset));
      open.put(partition, transactions);
    }
    return open;
  }

  /** The transaction that holds the partition's last stable offset where it is, if one is open there. */
  public Optional<OpenTransaction> holder(PartitionOffsets offsets) {
    return openTransactions(List.of(offsets.partition())).get(offsets.partition()).stream()
        .filter(transaction -> transaction.startOffset() <= offsets.lastStable())
        .findFirst();
  }

  /** How a transaction holding a partition was ended. */
  public enum Ending {
    /** Its coordinator had decided to commit: the missing COMMIT marker was written, its records are readable. */
    COMMITTED,
    /** Its producer never finished it: aborted, its records dropped (devices re-send what was not answered 202). */
    ABORTED,
    /**
     * Its coordinator had decided to commit, but the COMMIT marker could not be written (a listener with TLS or
     * SASL, no CLUSTER_ACTION right): aborted to free the partition, records that devices had been answered 202 for dropped.
     */
    ABORTED_THOUGH_COMMITTED
  }

  /** What {@link #end} did, and for {@link Ending#ABORTED_THOUGH_COMMITTED} why the commit marker could not be written. */
  public record Ended(Ending ending, String commitFailure) {}

  /**
   * Ends {@code transaction} on its partition as its coordinator decided. A coordinator that restarts
   * uncleanly re-sends the markers of the transactions it had prepared, but skips (as if deleted) the
   * partitions whose leader its metadata does not know yet, and logs those transactions complete: their
   * records stay open on those partitions for good. When the coordinator's log says it had decided to
   * commit the transaction (the pushes were answered 202), its COMMIT marker is written now
   * (WriteTxnMarkers, what the coordinator itself sends; the admin API only offers aborts), which makes
   * exactly those records readable. When it decided to abort, or the producer never ended it, it is aborted.
   */
  public Ended end(OpenTransaction transaction) {
    Optional<Coordinator> coordinator = coordinatorOf(transaction);
    Optional<Short> commitEpoch = coordinator.filter(known -> known.decidedCommit(transaction))
        .map(known -> (short) known.now().producerEpoch());
    String commitFailure = null;
    if (commitEpoch.isPresent()) {
      try {
        writeCommitMarker(transaction, commitEpoch.get());
        return new Ended(Ending.COMMITTED, null);
      } catch (IOException | KafkaException e) {
        commitFailure = String.valueOf(e.getMessage());
      }
    }
    get(admin.abortTransaction(transaction.abortSpec(abortEpoch(transaction, coordinator))).all());
    return new Ended(commitFailure == null ? Ending.ABORTED : Ending.ABORTED_THOUGH_COMMITTED, commitFailure);
  }

  /**
   * The producer epoch the ABORT marker carries: the coordinator's current one once it is done with the partition, as
   * the markers it sends itself; the epoch the partition reports otherwise. On the three-broker cluster a partition
   * held open at epoch 0 by a producer its coordinator had since fenced (epoch 1, abort logged complete) refused an
   * epoch-0 marker as stale (INVALID_PRODUCER_EPOCH) and stayed stuck; a partition takes any epoch at least as new as
   * the last it saw, and no epoch is newer than the coordinator's.
   */
  private static short abortEpoch(OpenTransaction transaction, Optional<Coordinator> coordinator) {
    return coordinator.filter(known -> known.doneWith(transaction.partition()))
        .map(known -> (short) Math.max(known.now().producerEpoch(), transaction.producerEpoch()))
        .orElse((short) transaction.producerEpoch());
  }

  /**
   * Whether Kafka considers {@code transaction} finished while its partition still holds it open: its
   * coordinator has no marker pending for the partition and logged a decision that named it. No marker
   * will come; every second of waiting keeps devices waiting.
   */
  public boolean stranded(OpenTransaction transaction) {
    return coordinatorOf(transaction).filter(coordinator -> coordinator.doneWith(transaction.partition()))
        .flatMap(coordinator -> coordinator.logged(transaction)).isPresent();
  }

  /** The coordinator's view of {@code transaction}'s producer, when it still knows that producer at that epoch. */
  private Optional<Coordinator> coordinatorOf(OpenTransaction transaction) {
    Optional<TransactionListing> listing = coordinatorListing(transaction.producerId());
    if (listing.isEmpty()) {
      return Optional.empty();
    }
    String transactionalId = listing.get().transactionalId();
    TransactionDescription now = get(admin.describeTransactions(List.of(transactionalId)).all()).get(transactionalId);
    if (now.producerId() != transaction.producerId() || now.producerEpoch() < transaction.producerEpoch()) {
      return Optional.empty();
    }
    return Optional.of(new Coordinator(transactionalId, now));
  }

  /** What the coordinator of a transactional id says: its state now, and (read on demand) what it logged. */
  private final class Coordinator {

    private final String transactionalId;
    private final TransactionDescription now;

    Coordinator(String transactionalId, TransactionDescription now) {
      this.transactionalId = transactionalId;
      this.now = now;
    }

    TransactionDescription now() {
      return now;
    }

    /** No marker of its is pending for {@code partition}: it is not in a transaction that names it, nor preparing one. */
    boolean doneWith(TopicPartition partition) {
      return !now.topicPartitions().contains(partition)
          && now.state() != TransactionState.PREPARE_COMMIT && now.state() != TransactionState.PREPARE_ABORT;
    }

    /** The last decision its log holds for a transaction of that producer that named the partition; empty when none or unreadable. */
    Optional<TransactionLog.Decision> logged(OpenTransaction transaction) {
      try {
        return readLog(transaction);
      } catch (KafkaException unreadable) {
        return Optional.empty();
      }
    }

    /** Its log's decision; where the log cannot be read, its state now when that is the commit of that very epoch. */
    boolean decidedCommit(OpenTransaction transaction) {
      try {
        return readLog(transaction).filter(decision -> decision == TransactionLog.Decision.COMMIT).isPresent();
      } catch (KafkaException unreadable) {
        return now.state() == TransactionState.PREPARE_COMMIT || now.state() == TransactionState.COMPLETE_COMMIT;
      }
    }

    private Optional<TransactionLog.Decision> readLog(OpenTransaction transaction) {
      try (TransactionLog log = new TransactionLog(bootstrap(), timeout)) {
        return log.lastDecision(transactionalId, transaction.producerId(), transaction.partition(), transaction.lastWriteMillis());
      }
    }
  }

  /** Where the cluster's brokers listen, for clients other than the admin client. */
  private String bootstrap() {
    return get(admin.describeCluster().nodes()).stream().map(node -> node.host() + ":" + node.port()).collect(Collectors.joining(","));
  }

  private void writeCommitMarker(OpenTransaction transaction, short producerEpoch) throws IOException {
    TopicPartition partition = transaction.partition();
    Node leader = get(admin.describeTopics(List.of(partition.topic())).allTopicNames()).get(partition.topic())
        .partitions().get(partition.partition()).leader();
    if (leader == null) {
      throw new IOException(partition + " has no leader");
    }
    try (BrokerConnection broker = BrokerConnection.open(leader, timeout)) {
      WriteTxnMarkersResponse response = broker.send(new WriteTxnMarkersRequest.Builder(List.of(new WriteTxnMarkersRequest.TxnMarkerEntry(
          transaction.producerId(), producerEpoch, transaction.coordinatorEpoch(), TransactionResult.COMMIT, List.of(partition), (short) 0))));
      Errors error = response.errorsByProducerId().getOrDefault(transaction.producerId(), Map.of())
          .getOrDefault(partition, Errors.UNKNOWN_SERVER_ERROR);
      if (error != Errors.NONE) {
        throw error.exception("the leader of " + partition + " refused the COMMIT marker: " + error.message());
      }
    }
  }

  /** Transactional ids known to the coordinators whose name starts with one of {@code prefixes}, with their state. */
  public List<TransactionalIdState> transactionalIds(Collection<String> prefixes) {
    List<TransactionListing> listings = get(admin.listTransactions().all()).stream()
        .filter(listing -> prefixes.stream().anyMatch(listing.transactionalId()::startsWith))
        .sorted(Comparator.comparing(TransactionListing::transactionalId))
        .toList();
    if (listings.isEmpty()) {
      return List.of();
    }
    Map<String, TransactionDescription> described =
        get(admin.describeTransactions(listings.stream().map(TransactionListing::transactionalId).toList()).all());
    return listings.stream().map(listing -> {
      TransactionDescription description = described.get(listing.transactionalId());
      return new TransactionalIdState(listing.transactionalId(), listing.producerId(), listing.state().toString(),
          description == null ? Set.of() : description.topicPartitions(),
          description == null ? -1 : description.transactionStartTimeMs().orElse(-1));
    }).toList();
  }

  /** The transactional id of producer {@code producerId}, when its coordinator knows it. */
  public Optional<String> transactionalId(long producerId) {
    return coordinatorListing(producerId).map(TransactionListing::transactionalId);
  }

  private Optional<TransactionListing> coordinatorListing(long producerId) {
    return get(admin.listTransactions(new ListTransactionsOptions().filterProducerIds(List.of(producerId))).all()).stream().findFirst();
  }

  /** A transactional id as its coordinator sees it: state, and the partitions of its open transaction. */
  public record TransactionalIdState(String transactionalId, long producerId, String state, Set<TopicPartition> partitions,
                                 long startedMillis) {}

  /** The committed offsets of consumer group {@code groupId} (empty when the group never committed). */
  public Map<TopicPartition, Long> committedOffsets(String groupId) {
    Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata());
    Map<TopicPartition, Long> offsets = new HashMap<>();
    committed.forEach((partition, offset) -> {
      if (offset != null) {
        offsets.put(partition, offset.offset());
      }
    });
    return offsets;
  }

  /**
   * How far consumer group {@code groupId} is behind what it may read (read_committed), per topic, from the
   * partitions' {@code offsets}. Topics the group reads are those it committed on; in them, a partition it
   * has not committed on yet is behind by all it holds. Empty when the group never committed.
   */
  public Map<String, Long> readCommittedLag(String groupId, Map<TopicPartition, PartitionOffsets> offsets) {
    return readCommittedLag(committedOffsets(groupId), offsets);
  }

  /** The same, from the group's committed offsets already read. */
  public static Map<String, Long> readCommittedLag(Map<TopicPartition, Long> committed, Map<TopicPartition, PartitionOffsets> offsets) {
    Set<String> read = committed.keySet().stream().map(TopicPartition::topic).collect(Collectors.toSet());
    Map<String, Long> lag = new TreeMap<>();
    offsets.values().stream().filter(current -> read.contains(current.partition().topic())).forEach(current ->
        lag.merge(current.partition().topic(), Math.max(0, current.lastStable() - committed.getOrDefault(current.partition(), 0L)),
            Long::sum));
    return lag;
  }

  private <T> T get(KafkaFuture<T> future) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while asking Kafka", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof KafkaException kafka ? kafka : new KafkaException(e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaException("Kafka did not answer within " + timeout.toSeconds() + " s", e);
    }
  }
}
