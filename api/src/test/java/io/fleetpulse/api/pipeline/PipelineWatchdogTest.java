package io.fleetpulse.api.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.api.auth.ApiToken;
import io.fleetpulse.api.auth.BearerAuth;
import io.fleetpulse.api.auth.Role;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.kafka.TopicReader;
import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.Severity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A partition stuck behind a transaction nobody will finish — here a producer "killed" mid-transaction
 * (closed without an abort) whose transaction timeout is far beyond the test, and whose transactional id
 * is never used again, as with the random ids of earlier collectors — is noticed, reported, and healed.
 */
@ExtendWith(SharedKafkaBroker.class)
class PipelineWatchdogTest {

  private static final Duration STALL_AFTER = Duration.ofSeconds(2);

  private EmbeddedKafkaBroker kafka;
  private String prefix;
  private TopicPartition partition;

  @BeforeEach
  void stuckPartition(EmbeddedKafkaBroker kafka) throws Exception {
    this.kafka = kafka;
    prefix = "watchdog-" + UUID.randomUUID() + "-";
    partition = new TopicPartition(prefix + "journal", 1);
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(partition.topic(), 2, (short) 1))).all().get();
    }
    KafkaProducer<String, String> killed = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "killed",
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(10).toMillis()),
        new StringSerializer(), new StringSerializer());
    killed.initTransactions();
    killed.beginTransaction();
    killed.send(new ProducerRecord<>(partition.topic(), partition.partition(), "device", "entry")).get();
    killed.close(Duration.ZERO);
    // Later writers' records pile up behind it, invisible to read_committed readers.
    try (KafkaProducer<String, String> later = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 5; i++) {
        later.send(new ProducerRecord<>(partition.topic(), partition.partition(), "device", "later " + i)).get();
      }
    }
  }

  @Test
  void abortsTheTransactionHoldingAStalledPartition() throws Exception {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (Admin admin = admin();
         PipelineWatchdog watchdog = new PipelineWatchdog(settings(true), metrics).start()) {
      TransactionInspector inspector = new TransactionInspector(admin, Duration.ofSeconds(10));
      assertThat(offsets(inspector)).isEqualTo(new PartitionOffsets(partition, 0, 6));

      await().atMost(Duration.ofSeconds(30)).until(() -> offsets(inspector).lastStable() == 7);
      assertThat(metrics.get("fleetpulse_pipeline_transactions_aborted_total").counter().count()).isEqualTo(1);
      assertThat(inspector.openTransactions(List.of(partition)).get(partition)).isEmpty();
      await().atMost(Duration.ofSeconds(10)).until(() -> watchdog.stalled().isEmpty());
      assertThat(metrics.get("fleetpulse_pipeline_stalled_partitions").gauge().value()).isZero();
    }
  }

  @Test
  void onlyReportsWhenAbortingIsOff() throws Exception {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (Admin admin = admin();
         PipelineWatchdog watchdog = new PipelineWatchdog(settings(false), metrics).start()) {
      List<StalledPartition> stalled = await().atMost(Duration.ofSeconds(30)).until(watchdog::stalled, found -> !found.isEmpty());
      StalledPartition stall = stalled.get(0);
      assertThat(stall.offsets()).isEqualTo(new PartitionOffsets(partition, 0, 6));
      assertThat(stall.stalledFor()).isGreaterThanOrEqualTo(STALL_AFTER);
      assertThat(stall.holder()).hasValueSatisfying(holder -> assertThat(holder.startOffset()).isZero());
      assertThat(watchdog.stalledProblems()).singleElement().asString()
          .contains(partition.toString(), "stuck at offset 0", "6 records behind it", "held by producer " + stall.holder().get().producerId());
      assertThat(metrics.get("fleetpulse_pipeline_stalled_partitions").gauge().value()).isEqualTo(1);
      assertThat(metrics.get("fleetpulse_pipeline_pending_records").tag("topic", partition.topic()).gauge().value()).isEqualTo(6);
      assertThat(metrics.get("fleetpulse_pipeline_transactions_aborted_total").counter().count()).isZero();
      assertThat(offsets(new TransactionInspector(admin, Duration.ofSeconds(10))).lastStable()).isZero();
    }
  }

  /**
   * A partition quiet for long, on which a transaction then opens, has made readers wait only since that transaction
   * began: the cluster crash runs saw live transactions on quiet changelogs reported "stuck for 106 s" and aborted.
   */
  @Test
  void aTransactionOpeningOnAPartitionQuietForLongIsNotAStallUntilItHasHeldReadersForTheLimit() throws Exception {
    TopicPartition quiet = new TopicPartition(partition.topic(), 0);
    SteppedClock clock = new SteppedClock();
    try (PipelineWatchdog watchdog = new PipelineWatchdog(settings(false), new SimpleMeterRegistry(), clock);
         KafkaProducer<String, String> live = new KafkaProducer<>(Map.of(
             ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
             ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "live"), new StringSerializer(), new StringSerializer())) {
      watchdog.check();
      clock.advance(Duration.ofMinutes(10));
      watchdog.check();
      live.initTransactions();
      live.beginTransaction();
      live.send(new ProducerRecord<>(quiet.topic(), quiet.partition(), "device", "entry")).get();

      clock.advance(Duration.ofSeconds(1));
      watchdog.check();
      assertThat(watchdog.stalled()).extracting(stall -> stall.offsets().partition()).containsExactly(partition);

      clock.advance(STALL_AFTER);
      watchdog.check();
      assertThat(watchdog.stalled()).as("held for the limit now").extracting(stall -> stall.offsets().partition())
          .containsExactlyInAnyOrder(partition, quiet);
      live.commitTransaction();
    }
  }

  /** A clock the test moves on. */
  private static final class SteppedClock extends java.time.Clock {

    private java.time.Instant now = java.time.Instant.parse("2026-12-08T00:00:00Z");

    void advance(Duration step) {
      now = now.plus(step);
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  /** With automatic aborts off, an operator sees the stall on /api/v1/pipeline and an admin ends it there; a viewer may not. */
  @Test
  void anAdminAbortsAReportedStallThroughTheApi() throws Exception {
    BearerAuth auth = new BearerAuth(List.of(new ApiToken("support", Role.VIEWER, ApiToken.sha256Hex("viewer-secret")),
        new ApiToken("ops", Role.ADMIN, ApiToken.sha256Hex("admin-secret"))));
    Vertx vertx = Vertx.vertx();
    try (Admin admin = admin();
         PipelineWatchdog watchdog = new PipelineWatchdog(settings(false), new SimpleMeterRegistry()).start()) {
      Router router = Router.router(vertx);
      router.route("/api/*").handler(auth.require(Role.VIEWER));
      new PipelineRoutes(watchdog, auth).mount(router);
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
      String base = "http://127.0.0.1:" + server.actualPort();
      await().atMost(Duration.ofSeconds(30)).until(() -> !watchdog.stalled().isEmpty());

      JsonObject status = new JsonObject(send(base + "/api/v1/pipeline", "GET", "viewer-secret").body());
      assertThat(status.getBoolean("abortHanging")).isFalse();
      assertThat(status.getJsonArray("stalledPartitions").getJsonObject(0).getMap())
          .containsEntry("topic", partition.topic()).containsEntry("partition", 1).containsEntry("pendingRecords", 6);

      HttpResponse<String> byViewer = send(base + "/api/v1/pipeline/stalled/abort", "POST", "viewer-secret");
      assertThat(byViewer.statusCode()).isEqualTo(403);
      assertThat(offsets(new TransactionInspector(admin, Duration.ofSeconds(10))).lastStable()).isZero();

      HttpResponse<String> byAdmin = send(base + "/api/v1/pipeline/stalled/abort", "POST", "admin-secret");
      assertThat(byAdmin.statusCode()).isEqualTo(200);
      JsonObject result = new JsonObject(byAdmin.body()).getJsonArray("partitions").getJsonObject(0);
      assertThat(result.getBoolean("aborted")).as(result.encode()).isTrue();
      assertThat(result.getString("topic")).isEqualTo(partition.topic());
      await().atMost(Duration.ofSeconds(30)).until(() -> offsets(new TransactionInspector(admin, Duration.ofSeconds(10))).lastStable() == 7);
    } finally {
      vertx.close().await();
    }
  }

  /** The stall goes out through the normal notifiers' topic: FIRING once, RESOLVED when the partition advances again. */
  @Test
  void aStallIsAnnouncedAsAnAlertAndResolvedWhenThePartitionAdvances() throws Exception {
    String alerts = prefix + "alerts";
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(alerts, 1, (short) 1))).all().get();
    }
    try (PipelineAlerts announcer = new PipelineAlerts(kafka.bootstrapServers(), alerts, () -> true, java.time.Clock.systemUTC());
         PipelineWatchdog watchdog = new PipelineWatchdog(settings(false), new SimpleMeterRegistry()).onCheck(announcer).start();
         TopicReader<Alert> reader = new TopicReader<>(kafka, FleetSerdes.alert().deserializer(), List.of(alerts))) {
      Alert firing = reader.until(all -> !all.isEmpty()).get(0).value();
      assertThat(firing.getState()).isEqualTo(AlertState.FIRING);
      assertThat(firing.getSeverity()).isEqualTo(Severity.critical);
      assertThat(firing.getSubject()).isEqualTo("PIPELINE_STALLED " + partition);
      assertThat(firing.getSummary()).contains("stuck at offset 0");
      assertThat(firing.getDeviceUuid()).isNull();

      watchdog.endStalledNow().get();
      List<Alert> both = reader.until(all -> all.size() >= 2).stream().map(record -> record.value()).toList();
      assertThat(both).hasSize(2);
      assertThat(both.get(1).getId()).isEqualTo(firing.getId());
      assertThat(both.get(1).getState()).isEqualTo(AlertState.RESOLVED);
      assertThat(both.get(1).getResolvedAt()).isNotNull();
    }
  }

  /**
   * The hanging transaction of the broker's kill -9 (read back from its logs): its coordinator logged
   * PrepareCommit, the broker died, and the restarted coordinator, whose metadata knew no leader for the
   * partitions yet, skipped their markers and logged the transaction complete; the producer went on with
   * other transactions. Rebuilt here as that producer's records on a partition of its committed
   * transaction after the marker. Aborting would drop records answered 202: it is committed.
   */
  @Test
  void commitsATransactionItsCoordinatorLoggedAsCommittedWhenItsMarkerNeverArrived() throws Exception {
    TopicPartition lost = new TopicPartition(prefix + "marks", 0);
    SimpleMeterRegistry metrics = strandedAfter(lost, KafkaProducer::commitTransaction, settings(true), true);

    assertThat(metrics.get("fleetpulse_pipeline_transactions_committed_total").counter().count()).isEqualTo(1);
    assertThat(metrics.get("fleetpulse_pipeline_transactions_aborted_total").counter().count())
        .as("only the transaction its producer never finished (the partition every test starts with)").isEqualTo(1);
    assertThat(metrics.get("fleetpulse_pipeline_committed_transactions_aborted_total").counter().count()).isZero();
    assertThat(readCommitted(lost, 5)).containsExactly("committed mark", "stranded mark 1", "stranded mark 2", "later");
  }

  /** The same, where the coordinator had logged PrepareAbort: the stranded records are aborted with it. */
  @Test
  void abortsATransactionItsCoordinatorLoggedAsAbortedWhenItsMarkerNeverArrived() throws Exception {
    TopicPartition lost = new TopicPartition(prefix + "marks", 0);
    SimpleMeterRegistry metrics = strandedAfter(lost, KafkaProducer::abortTransaction, settings(true), true);

    assertThat(metrics.get("fleetpulse_pipeline_transactions_committed_total").counter().count()).isZero();
    assertThat(metrics.get("fleetpulse_pipeline_transactions_aborted_total").counter().count()).isEqualTo(2);
    assertThat(readCommitted(lost, 5)).containsExactly("later");
  }

  /**
   * A stranded transaction (its coordinator finished with it) is ended long before the stall limit: its
   * devices would wait all that time, and no marker will come. A transaction its producer never ended is
   * left to the stall limit.
   */
  @Test
  void endsAStrandedTransactionBeforeTheStallLimit() throws Exception {
    TopicPartition lost = new TopicPartition(prefix + "marks", 0);
    PipelineWatchdog.Settings patient = new PipelineWatchdog.Settings(kafka.bootstrapServers(), prefix + "app", List.of(prefix),
        Duration.ofMillis(200), Duration.ofMinutes(10), true);
    SimpleMeterRegistry metrics = strandedAfter(lost, KafkaProducer::commitTransaction, patient, false);

    assertThat(metrics.get("fleetpulse_pipeline_transactions_committed_total").counter().count()).isEqualTo(1);
    assertThat(metrics.get("fleetpulse_pipeline_transactions_aborted_total").counter().count()).isZero();
    assertThat(readCommitted(lost, 5)).containsExactly("committed mark", "stranded mark 1", "stranded mark 2", "later");
    try (Admin admin = admin()) {
      assertThat(offsets(new TransactionInspector(admin, Duration.ofSeconds(10))).lastStable())
          .as("the never-ended transaction waits for the stall limit").isZero();
    }
  }

  /**
   * Records left without a marker by a producer that has since been restarted (its coordinator fenced it: a later
   * epoch) are aborted with the coordinator's epoch, as its own markers would carry, and the restarted producer's
   * transactions on that partition go on as before.
   */
  @Test
  void abortsRecordsAFencedProducerLeftWithTheEpochItsCoordinatorGaveItsSuccessor() throws Exception {
    TopicPartition lost = new TopicPartition(prefix + "marks", 0);
    String transactionalId = prefix + "restarted";
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(lost.topic(), 1, (short) 1))).all().get();
      TransactionDescription ended;
      try (KafkaProducer<String, String> first = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
        first.initTransactions();
        first.beginTransaction();
        first.send(new ProducerRecord<>(lost.topic(), lost.partition(), "device", "aborted mark")).get();
        first.abortTransaction();
        ended = await().atMost(Duration.ofSeconds(10)).until(() -> admin.describeTransactions(List.of(transactionalId)).all().get()
            .get(transactionalId), description -> description.state() == TransactionState.COMPLETE_ABORT);
        writeWithoutMarker(admin, lost, transactionalId, ended, 1, "stranded mark");
      }
      try (KafkaProducer<String, String> restarted = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
           KafkaProducer<String, String> later = new KafkaProducer<>(Map.of(
               ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
        restarted.initTransactions();
        assertThat(admin.describeTransactions(List.of(transactionalId)).all().get().get(transactionalId).producerEpoch())
            .isGreaterThan(ended.producerEpoch());
        later.send(new ProducerRecord<>(lost.topic(), lost.partition(), "device", "later")).get();
        TransactionInspector inspector = new TransactionInspector(admin, Duration.ofSeconds(10));
        PipelineWatchdog.Settings patient = new PipelineWatchdog.Settings(kafka.bootstrapServers(), prefix + "app", List.of(prefix),
            Duration.ofMillis(200), Duration.ofMinutes(10), true);
        try (PipelineWatchdog watchdog = new PipelineWatchdog(patient, new SimpleMeterRegistry()).start()) {
          await().atMost(Duration.ofSeconds(30)).until(() -> inspector.offsets(List.of(lost)).get(lost).lastStable() == 5);
        }
        restarted.beginTransaction();
        restarted.send(new ProducerRecord<>(lost.topic(), lost.partition(), "device", "after restart")).get();
        restarted.commitTransaction();
      }
      assertThat(readCommitted(lost, 7)).containsExactly("later", "after restart");
    }
  }

  /**
   * A transaction of a producer writing to {@code lost} and ended by {@code end}; then records of that
   * producer on {@code lost} without a marker, and a later writer's behind them; then a watchdog with
   * {@code settings} until {@code lost} advances again, and with {@code alsoTheNeverEnded} the partition
   * every test starts with too.
   */
  private SimpleMeterRegistry strandedAfter(TopicPartition lost, Consumer<KafkaProducer<String, String>> end,
                                            PipelineWatchdog.Settings settings, boolean alsoTheNeverEnded) throws Exception {
    String transactionalId = prefix + "stranded";
    TopicPartition other = new TopicPartition(partition.topic(), 0);
    try (Admin admin = admin();
         KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
             ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId),
             new StringSerializer(), new StringSerializer())) {
      admin.createTopics(List.of(new NewTopic(lost.topic(), 1, (short) 1))).all().get();
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(other.topic(), other.partition(), "device", "committed entry")).get();
      producer.send(new ProducerRecord<>(lost.topic(), lost.partition(), "device", "committed mark")).get();
      end.accept(producer);
      TransactionDescription ended = await().atMost(Duration.ofSeconds(10))
          .until(() -> admin.describeTransactions(List.of(transactionalId)).all().get().get(transactionalId),
              description -> description.state() == TransactionState.COMPLETE_COMMIT || description.state() == TransactionState.COMPLETE_ABORT);

      writeWithoutMarker(admin, lost, transactionalId, ended, 1, "stranded mark 1", "stranded mark 2");
      // The producer goes on with other transactions: its coordinator's state no longer says what became of that one.
      String elsewhere = "unwatched-" + UUID.randomUUID();
      admin.createTopics(List.of(new NewTopic(elsewhere, 1, (short) 1))).all().get();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(elsewhere, 0, "device", "next entry")).get();
      assertThat(admin.describeTransactions(List.of(transactionalId)).all().get().get(transactionalId).state())
          .isEqualTo(TransactionState.ONGOING);
      try (KafkaProducer<String, String> later = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
        later.send(new ProducerRecord<>(lost.topic(), lost.partition(), "device", "later")).get();
      }
      TransactionInspector inspector = new TransactionInspector(admin, Duration.ofSeconds(10));
      assertThat(inspector.offsets(List.of(lost)).get(lost)).isEqualTo(new PartitionOffsets(lost, 2, 5));

      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      try (PipelineWatchdog watchdog = new PipelineWatchdog(settings, metrics).start()) {
        await().atMost(Duration.ofSeconds(30)).until(() -> inspector.offsets(List.of(lost)).get(lost).lastStable() == 6
            && (!alsoTheNeverEnded || offsets(inspector).lastStable() == 7));
      }
      return metrics;
    }
  }

  /** A transactional batch of {@code ended}'s producer on {@code partition}, as if the marker that ended it had been lost there. */
  private static void writeWithoutMarker(Admin admin, TopicPartition partition, String transactionalId, TransactionDescription ended,
                                         int baseSequence, String... values) throws Exception {
    ConfigResource cluster = new ConfigResource(ConfigResource.Type.BROKER, "");
    String verification = "transaction.partition.verification.enable";
    admin.incrementalAlterConfigs(Map.of(cluster, List.of(new AlterConfigOp(new ConfigEntry(verification, "false"), AlterConfigOp.OpType.SET))))
        .all().get();
    try {
      Node leader = admin.describeTopics(List.of(partition.topic())).allTopicNames().get().get(partition.topic())
          .partitions().get(partition.partition()).leader();
      SimpleRecord[] records = Arrays.stream(values)
          .map(value -> new SimpleRecord(System.currentTimeMillis(), "device".getBytes(UTF_8), value.getBytes(UTF_8)))
          .toArray(SimpleRecord[]::new);
      ProduceRequestData produce = new ProduceRequestData().setTransactionalId(transactionalId).setAcks((short) -1).setTimeoutMs(10_000);
      ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
      topics.add(new ProduceRequestData.TopicProduceData().setName(partition.topic()).setPartitionData(List.of(
          new ProduceRequestData.PartitionProduceData().setIndex(partition.partition()).setRecords(MemoryRecords.withTransactionalRecords(
              Compression.NONE, ended.producerId(), (short) ended.producerEpoch(), baseSequence, records)))));
      produce.setTopicData(topics);
      // The broker applies the dynamic setting shortly after it is accepted: until then it verifies, and refuses.
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        try (BrokerConnection broker = BrokerConnection.open(leader, Duration.ofSeconds(10))) {
          // Up to version 11: from 12 on, a produce registers its partition with the coordinator (transactions v2).
          ProduceResponse response = broker.send(new ProduceRequest.Builder((short) 3, ProduceRequest.LAST_STABLE_VERSION_BEFORE_TRANSACTION_V2, produce));
          assertThat(Errors.forCode(response.data().responses().iterator().next().partitionResponses().get(0).errorCode()))
              .isEqualTo(Errors.NONE);
        }
      });
    } finally {
      admin.incrementalAlterConfigs(Map.of(cluster, List.of(new AlterConfigOp(new ConfigEntry(verification, ""), AlterConfigOp.OpType.DELETE))))
          .all().get();
    }
  }

  private List<String> readCommitted(TopicPartition partition, long upTo) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      List<String> values = new ArrayList<>();
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
        return consumer.position(partition) >= upTo;
      });
      return values;
    }
  }

  private static HttpResponse<String> send(String url, String method, String token) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healsAnOffsetCommitOfTheStreamsGroupLeftOpenByADeadProducer() throws Exception {
    String group = prefix + "app";
    TopicPartition input = new TopicPartition(partition.topic(), 0);
    KafkaProducer<String, String> killed = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, group + "-process-1", // as a stream thread of the application names its producer
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(10).toMillis()),
        new StringSerializer(), new StringSerializer());
    killed.initTransactions();
    killed.beginTransaction();
    killed.send(new ProducerRecord<>(input.topic(), input.partition(), "device", "event")).get();
    killed.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(1)), new ConsumerGroupMetadata(group));
    killed.close(Duration.ZERO);
    try (KafkaConsumer<String, String> member = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, group,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
      assertThatThrownBy(() -> member.committed(Set.of(input), Duration.ofSeconds(2)))
          .as("the group cannot read its position while the offset commit is open").isInstanceOf(TimeoutException.class);

      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      try (PipelineWatchdog watchdog = new PipelineWatchdog(settings(true), metrics).start()) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(TimeoutException.class).untilAsserted(() ->
            assertThat(member.committed(Set.of(input), Duration.ofSeconds(2))).as("aborted: nothing committed").containsEntry(input, null));
        await().atMost(Duration.ofSeconds(30))
            .until(() -> metrics.get("fleetpulse_pipeline_transactions_aborted_total").counter().count() >= 2);
      }
    }
  }

  private PipelineWatchdog.Settings settings(boolean abort) {
    return new PipelineWatchdog.Settings(kafka.bootstrapServers(), prefix + "app", List.of(prefix), Duration.ofMillis(200), STALL_AFTER, abort);
  }

  private PartitionOffsets offsets(TransactionInspector inspector) {
    return inspector.offsets(List.of(partition)).get(partition);
  }

  private Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
  }
}
