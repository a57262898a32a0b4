package io.fleetpulse.streams.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.kafka.SharedKafkaBroker;
import io.fleetpulse.schemas.TopicProvisioner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Several instances on one broker agree on the rules version, whichever instance's file changed last. */
@ExtendWith(SharedKafkaBroker.class)
class RulesTopicTest {

  private static final Duration EVERYWHERE = Duration.ofSeconds(10);

  @Test
  void aChangeOnOneInstanceIsInForceOnAllAndAStaleFileAtRestartDoesNotUndoIt(EmbeddedKafkaBroker kafka) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicProvisioner(2, (short) 1).provision(admin);
    }
    Instant start = Instant.now();
    RulesFileWatcher.Accepted v1 = version("modem_lost", start.minusSeconds(60));
    RulesInForce onA = RulesInForce.none();
    RulesInForce onB = RulesInForce.none();
    RulesInForce onC = RulesInForce.none();
    try (RulesTopic a = new RulesTopic(kafka.bootstrapServers(), "a", onA).start(v1);
         RulesTopic b = new RulesTopic(kafka.bootstrapServers(), "b", onB).start(null)) {
      assertThat(onA.current().version()).isEqualTo(v1.rules().version());
      assertThat(onB.current().version()).as("an instance without a file runs what was published").isEqualTo(v1.rules().version());

      RulesFileWatcher.Accepted v2 = version("modem_gone", Instant.now());
      a.publish(v2);
      assertThat(onA.current().version()).isEqualTo(v2.rules().version());
      await().atMost(EVERYWHERE).until(() -> onB.current().version().equals(v2.rules().version()));

      // C restarts with its copy of the file as it was before v2 was published: v2 stays, everywhere.
      try (RulesTopic c = new RulesTopic(kafka.bootstrapServers(), "c", onC).start(v1)) {
        assertThat(onC.current().version()).isEqualTo(v2.rules().version());
        // A file written after v2 (a new ConfigMap rolled onto C) wins at its start.
        RulesFileWatcher.Accepted v3 = version("modem_back", Instant.now().plusSeconds(5));
        try (RulesTopic c2 = new RulesTopic(kafka.bootstrapServers(), "c2", onC).start(v3)) {
          await().atMost(EVERYWHERE).until(() -> List.of(onA, onB, onC).stream().allMatch(on -> on.current().version().equals(v3.rules().version())));
        }
      }
      assertThat(onA.current().rules()).extracting(Rule::name).containsExactly("modem_back");
    }
  }

  private static RulesFileWatcher.Accepted version(String name, Instant modified) throws RulesRefusedException {
    String text = """
        rules:
          - name: %s
            match: {message: {contains: "Modem disabled"}}
            event: %s
        """.formatted(name, name.toUpperCase(java.util.Locale.ROOT));
    return new RulesFileWatcher.Accepted(RulesFile.parse(text), text, modified);
  }
}
