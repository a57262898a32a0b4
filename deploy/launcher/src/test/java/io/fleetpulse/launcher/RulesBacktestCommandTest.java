package io.fleetpulse.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.TopicProvisioner;
import io.fleetpulse.schemas.Topics;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./fleetpulse rules backtest} against what a broker's journal topics hold. A broker of its own: it provisions
 * the topics, and the tests sharing the JVM's broker provision them with other partition counts.
 */
class RulesBacktestCommandTest {

  @TempDir
  Path dir;

  @Test
  void replaysTheJournalTopicsThroughTheRulesAndReportsWhatEachWouldHaveDone() throws Exception {
    try (EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(dir.resolve("kafka"))).start()) {
      replays(kafka);
    }
  }

  private void replays(EmbeddedKafkaBroker kafka) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(6, (short) 1).provision(admin);
    }
    String fleet = "backtest-" + UUID.randomUUID().toString().substring(0, 8);
    Instant now = Instant.now();
    try (KafkaProducer<String, JournalEntry> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
        new StringSerializer(), FleetSerdes.journalEntry().serializer())) {
      for (int device = 0; device < 3; device++) {
        String uuid = String.format("bac%029d", device);
        for (int minute = 0; minute < 3; minute++) {
          JournalEntry entry = line(uuid, fleet, device == 0 ? "<warn> modem[0]: Modem disabled" : "<info> modem[0]: state changed",
              now.minusSeconds(600 - minute * 60L));
          producer.send(new ProducerRecord<>(Topics.journalTopicFor(entry.getUnit()), uuid, entry)).get();
        }
      }
    }
    Path rules = Files.writeString(dir.resolve("rules.yaml"), """
        rules:
          - name: modem_lost
            match: {unit: ModemManager, message: {contains: "Modem disabled"}}
            event: MODEM_LOST
            alert: {count: 2, within: 10m}
          - name: modem_state
            match: {unit: ModemManager, message: {regex: "state (?P<what>[a-z]+)"}}
            event: MODEM_STATE
        """);

    CliRun run = CliRun.of("rules", "backtest", rules.toString(), "--since", "1h", "--fleet", fleet, "--json",
        "--bootstrap-servers", kafka.bootstrapServers());

    assertThat(run.exit()).as(run.err()).isZero();
    JsonObject report = new JsonObject(run.out());
    JsonObject lost = report.getJsonArray("rules").getJsonObject(0);
    assertThat(lost.getString("name")).isEqualTo("modem_lost");
    assertThat(lost.getLong("matches")).isEqualTo(3);
    assertThat(lost.getInteger("devices")).isEqualTo(1);
    assertThat(lost.getJsonArray("alerts")).hasSize(1);
    assertThat(lost.getJsonArray("alerts").getJsonObject(0).getString("device")).isEqualTo("bac00000000000000000000000000000");
    assertThat(lost.getJsonArray("alerts").getJsonObject(0).getString("at")).isEqualTo(now.minusSeconds(540).toString().substring(0, 19) + "Z");
    JsonObject state = report.getJsonArray("rules").getJsonObject(1);
    assertThat(state.getLong("matches")).isEqualTo(6);
    assertThat(state.getInteger("devices")).isEqualTo(2);
    assertThat(state.getJsonArray("samples")).hasSize(3);

    CliRun text = CliRun.of("rules", "backtest", rules.toString(), "--since", "1h", "--fleet", fleet, "--bootstrap-servers", kafka.bootstrapServers());
    assertThat(text.out()).contains("modem_lost -> MODEM_LOST: 3 matching lines on 1 devices, 1 alerts")
        .contains("modem_state -> MODEM_STATE: 6 matching lines on 2 devices");
    assertThat(CliRun.of("rules", "backtest", rules.toString(), "--since", "yesterday").exit()).isEqualTo(1);
  }

  /** A ModemManager line as the collector files it, its device clock in step. */
  private static JournalEntry line(String uuid, String fleet, String message, Instant at) {
    long realtimeUs = at.getEpochSecond() * 1_000_000;
    return JournalEntry.newBuilder().setDeviceUuid(uuid).setFleet(fleet).setUnit("ModemManager.service")
        .setSyslogIdentifier("ModemManager").setPid(700).setPriority(4).setTransport("syslog")
        .setBootId("6ce386d4e891e05cda4946fa3e7b2438").setRealtimeUs(realtimeUs).setMonotonicUs(realtimeUs - 1_700_000_000_000_000L)
        .setMessage(message).setReceivedAt(Instant.now()).build();
  }
}
