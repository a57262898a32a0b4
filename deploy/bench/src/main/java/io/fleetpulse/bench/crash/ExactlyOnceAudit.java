package io.fleetpulse.bench.crash;

import io.fleetpulse.api.pipeline.PartitionOffsets;
import io.fleetpulse.api.pipeline.PipelineWatchdog;
import io.fleetpulse.api.pipeline.TransactionInspector;
import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Counts from the outside what a crash run left behind: every acknowledged journal entry on its topic
 * exactly once (read_committed), every expected event exactly once over REST, one FIRING per alert
 * episode and at most one RESOLVED, and no partition held up by an open transaction.
 */
final class ExactlyOnceAudit {

  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String bootstrap;
  private final int apiPort;

  ExactlyOnceAudit(String bootstrap, int apiPort) {
    this.bootstrap = bootstrap;
    this.apiPort = apiPort;
  }

  /** Journal entries per device on the journal topics, as read_committed readers see them: seqnum → copies. */
  Map<String, Map<Long, Integer>> journalEntries() {
    Map<String, Map<Long, Integer>> copies = new HashMap<>();
    for (ConsumerRecord<String, JournalEntry> record : readAll(Topics.journalTopics(), FleetSerdes.journalEntry().deserializer())) {
      if (ResendingDevice.SEQNUM_ID.equals(record.value().getSeqnumId())) {
        copies.computeIfAbsent(record.value().getDeviceUuid(), uuid -> new HashMap<>())
            .merge(record.value().getSeqnum(), 1, Integer::sum);
      }
    }
    return copies;
  }

  /** Alert records of fleet {@code fleet} on fleet.alerts, by alert id. */
  Map<String, List<Alert>> alerts(String fleet) {
    Map<String, List<Alert>> byId = new HashMap<>();
    for (ConsumerRecord<String, Alert> record : readAll(List.of(Topics.ALERTS), FleetSerdes.alert().deserializer())) {
      if (fleet.equals(record.value().getFleet())) {
        byId.computeIfAbsent(record.value().getId(), id -> new ArrayList<>()).add(record.value());
      }
    }
    return byId;
  }

  /** Problems with the alert records: an episode FIRING more than once or RESOLVED more than once. */
  static List<String> alertProblems(Map<String, List<Alert>> byId) {
    List<String> problems = new ArrayList<>();
    byId.forEach((id, records) -> {
      long firing = records.stream().filter(alert -> alert.getState() == AlertState.FIRING).count();
      long resolved = records.stream().filter(alert -> alert.getState() == AlertState.RESOLVED).count();
      if (firing != 1 || resolved > 1) {
        problems.add("alert " + id + " (" + records.get(0).getKind() + " of " + records.get(0).getDeviceUuid() + "): "
            + firing + " FIRING, " + resolved + " RESOLVED");
      }
    });
    return problems;
  }

  /** UNIT_RESTART events of a device over REST: how many, and how many distinct instants. */
  int[] events(String uuid) throws IOException, InterruptedException {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + apiPort + "/api/v1/devices/" + uuid + "/events?kind=UNIT_RESTART&limit=1000"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() == 404) {
      return new int[] {0, 0};
    }
    if (answer.statusCode() != 200) {
      throw new IOException("events of " + uuid + " answered " + answer.statusCode() + ": " + answer.body());
    }
    var events = new JsonObject(answer.body()).getJsonArray("events");
    long distinct = events.stream().map(event -> ((JsonObject) event).getString("at")).distinct().count();
    return new int[] {events.size(), (int) distinct};
  }

  /** Partitions of fleetpulse's topics whose read_committed readers cannot read everything written. */
  List<PartitionOffsets> heldUp(String applicationId) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      TransactionInspector inspector = new TransactionInspector(admin, Duration.ofSeconds(15));
      List<String> prefixes = PipelineWatchdog.topicPrefixes(applicationId);
      Collection<PartitionOffsets> offsets = inspector.offsets(inspector.partitions(topic -> prefixes.stream().anyMatch(topic::startsWith))).values();
      return offsets.stream().filter(partition -> partition.pending() > 0).toList();
    }
  }

  /** Records of the journal topics the streams have not processed yet (read_committed), or -1 before they committed anything. */
  long streamsLag(String applicationId) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      TransactionInspector inspector = new TransactionInspector(admin, Duration.ofSeconds(15));
      List<TopicPartition> journal = inspector.partitions(topic -> topic.startsWith(Topics.JOURNAL_PREFIX));
      Map<String, Long> lag = inspector.readCommittedLag(applicationId, inspector.offsets(journal));
      return lag.isEmpty() ? -1 : lag.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private <V> List<ConsumerRecord<String, V>> readAll(List<String> topics, Deserializer<V> values) {
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "fleetpulse-crash-audit-" + UUID.randomUUID(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), values)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // With read_committed, the end offsets are the last stable offsets: everything readable now.
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, V>> records = new ArrayList<>();
      Function<TopicPartition, Boolean> reached = partition -> consumer.position(partition) >= end.get(partition);
      while (!partitions.stream().allMatch(reached::apply)) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }
}
