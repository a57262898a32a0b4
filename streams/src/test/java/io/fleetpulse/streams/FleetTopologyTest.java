package io.fleetpulse.streams;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.events.DeviceEventsStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetTopologyTest {

  private static final String DEVICE = "d0000000000000000000000000000002";

  @TempDir
  Path stateDir;

  @Test
  void twoSigkillsOfTheEngineBecomeTwoUncleanRestartEventsInTopicAndStore() {
    StreamsSettings settings = StreamsSettings.of("unused:9092", "topology-test", stateDir);
    try (TopologyTestDriver driver = new TopologyTestDriver(FleetTopology.build(settings, FleetStreams.properties(settings), new SimpleMeterRegistry()), FleetStreams.properties(settings))) {
      TestInputTopic<String, JournalEntry> engine = driver.createInputTopic(Topics.journalTopicFor("balena.service"),
          Serdes.String().serializer(), FleetSerdes.journalEntry().serializer());
      TestOutputTopic<String, DeviceEvent> events = driver.createOutputTopic(Topics.EVENTS,
          Serdes.String().deserializer(), FleetSerdes.deviceEvent().deserializer());

      Instant first = Instant.parse("2026-11-27T10:35:00Z");
      Instant second = first.plusSeconds(40);
      engine.pipeInput(DEVICE, kill(first), first.plusMillis(250));
      engine.pipeInput(DEVICE, JournalEntries.systemd(DEVICE, "balena.service", "balena.service: Failed with result 'signal'.", first)
          .build(), first.plusMillis(260));
      engine.pipeInput(DEVICE, kill(second), second.plusMillis(250));

      List<DeviceEvent> emitted = events.readValuesToList();
      assertThat(emitted).hasSize(2).allSatisfy(event -> {
        assertThat(event.getKind()).isEqualTo(EventKind.UNIT_RESTART);
        assertThat(event.getDeviceUuid()).isEqualTo(DEVICE);
        assertThat(event.getFleet()).isEqualTo("harbor");
        assertThat(event.getDetails()).containsEntry("clean", "false").containsEntry("signal", "KILL");
      });
      assertThat(emitted).extracting(DeviceEvent::getAt).containsExactly(first, second);

      WindowStore<String, DeviceEvent> store = driver.getWindowStore(DeviceEventsStore.NAME);
      List<Instant> stored = new ArrayList<>();
      try (WindowStoreIterator<DeviceEvent> it = store.fetch(DEVICE, first.minusSeconds(60), second.plusSeconds(60))) {
        it.forEachRemaining(kv -> stored.add(kv.value.getAt()));
      }
      assertThat(stored).containsExactly(first, second);
    }
  }

  private static JournalEntry kill(Instant at) {
    return JournalEntries.systemd(DEVICE, "balena.service", "balena.service: Main process exited, code=killed, status=9/KILL", at).build();
  }
}
