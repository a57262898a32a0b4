package io.fleetpulse.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

/** Only the known-harmless start-up warnings are dropped; a missing topic of anyone else's is still said. */
class ExpectedWarningsTest {

  private final LoggerContext context = new LoggerContext();
  private final ExpectedWarnings filter = new ExpectedWarnings();

  @Test
  void theStreamsOwnTopicsNotCreatedYetAreDropped() {
    assertThat(decide("org.apache.kafka.clients.NetworkClient", "[Consumer clientId=x] The metadata response from the cluster reported a "
        + "recoverable issue with correlation id 8 : {fleetpulse-fleet-signals-repartition=UNKNOWN_TOPIC_OR_PARTITION}")).isEqualTo(FilterReply.DENY);
    assertThat(decide("org.apache.kafka.clients.NetworkClient", "[Producer clientId=x] The metadata response from the cluster reported a "
        + "recoverable issue with correlation id 3 : {fleet.journal.balena=UNKNOWN_TOPIC_OR_PARTITION}"))
        .as("one of fleetpulse's own topics missing is news").isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide("org.apache.kafka.clients.NetworkClient", "[Consumer clientId=x] The metadata response from the cluster reported a "
        + "recoverable issue with correlation id 8 : {app-store-changelog=LEADER_NOT_AVAILABLE}")).isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide("org.apache.kafka.clients.NetworkClient", "[AdminClient clientId=x] Connection to node -1 (/127.0.0.1:9092) could not be "
        + "established. Node may not be available.")).isEqualTo(FilterReply.NEUTRAL);
  }

  @Test
  void aNewMetadataLogAndVertxSharedServerGaugesAreDropped() {
    assertThat(decide("org.apache.kafka.controller.QuorumController", "[QuorumController id=1] Performing controller activation. The metadata "
        + "log appears to be empty. Appending 6 bootstrap record(s)")).isEqualTo(FilterReply.DENY);
    assertThat(decide("io.micrometer.core.instrument.MeterRegistry", "This Gauge has been already registered (MeterId{name='vertx.http.server."
        + "active.connections', tags=[]}), the registration will be ignored.")).isEqualTo(FilterReply.DENY);
    assertThat(decide("io.micrometer.core.instrument.MeterRegistry", "This Gauge has been already registered (MeterId{name='fleetpulse.devices', "
        + "tags=[]}), the registration will be ignored.")).isEqualTo(FilterReply.NEUTRAL);
  }

  private FilterReply decide(String logger, String message) {
    return filter.decide(null, context.getLogger(logger), Level.WARN, message, null, null);
  }
}
