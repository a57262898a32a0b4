package io.fleetpulse.streams.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;

class EventCounterTest {

  @Test
  void countsEventsByKindAndPassesThemOn() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EventCounter counter = new EventCounter(registry);
    MockProcessorContext<String, DeviceEvent> context = new MockProcessorContext<>();
    WindowStore<String, Long> perHour = Stores.windowStoreBuilder(Stores.inMemoryWindowStore(FleetEventCounts.NAME,
        FleetEventCounts.RETENTION, FleetEventCounts.HOUR, false), Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
    perHour.init(context.getStateStoreContext(), perHour);
    context.addStateStore(perHour);
    counter.init(context);

    counter.process(new Record<>("d1", event(EventKind.UNIT_RESTART), 1L));
    counter.process(new Record<>("d1", event(EventKind.UNIT_RESTART), 2L));
    counter.process(new Record<>("d2", event(EventKind.DNS_FAILURE), 3L));
    counter.process(new Record<>("d2", event(EventKind.DISK_SAMPLE), 4L));

    long hour = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
    assertThat(perHour.fetch(FleetEventCounts.key("default", "UNIT_RESTART"), hour)).isEqualTo(2L);
    assertThat(perHour.fetch(FleetEventCounts.key("default", "DNS_FAILURE"), hour)).isEqualTo(1L);
    assertThat(perHour.fetch(FleetEventCounts.key("default", "DISK_SAMPLE"), hour)).as("a clock, not news").isNull();
    assertThat(registry.get("fleetpulse.events").tag("kind", "UNIT_RESTART").counter().count()).isEqualTo(2.0);
    assertThat(registry.get("fleetpulse.events").tag("kind", "DNS_FAILURE").counter().count()).isEqualTo(1.0);
    assertThat(registry.get("fleetpulse.events").tag("kind", "OOM_KILL").counter().count()).isZero();
    assertThat(context.forwarded()).hasSize(4);
  }

  private static DeviceEvent event(EventKind kind) {
    Instant at = Instant.parse("2026-11-27T10:17:00Z");
    return DeviceEvent.newBuilder().setDeviceUuid("d0000000000000000000000000000001").setKind(kind).setAt(at)
        .setSummary(kind.name()).setDetails(Map.of()).setReceivedAt(at).build();
  }
}
