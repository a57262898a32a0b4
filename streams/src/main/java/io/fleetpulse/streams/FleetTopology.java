package io.fleetpulse.streams;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.events.DeviceEventsIndexer;
import io.fleetpulse.streams.events.DeviceEventsStore;
import io.fleetpulse.streams.extract.EventExtractor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The fleetpulse pipeline, read top-down:
 *
 * <pre>
 *   fleet.journal.*  ──extract──►  device events  ──►  fleet.events
 *                                                 └──►  device-events store (REST history)
 * </pre>
 *
 * Every topic is keyed by device uuid and co-partitioned, so nothing here repartitions.
 */
public final class FleetTopology {

  private FleetTopology() {}

  public static Topology build(StreamsSettings settings) {
    StreamsBuilder builder = new StreamsBuilder();
    EventExtractor extractor = EventExtractor.standard();

    KStream<String, JournalEntry> journal =
        builder.stream(Topics.journalTopics(), Consumed.with(Serdes.String(), FleetSerdes.journalEntry()));

    KStream<String, DeviceEvent> events = journal.flatMapValues(extractor::extract);
    events.to(Topics.EVENTS, Produced.with(Serdes.String(), FleetSerdes.deviceEvent()));

    builder.addStateStore(DeviceEventsStore.builder(settings.eventRetention()));
    events.process(DeviceEventsIndexer::new, DeviceEventsStore.NAME);

    return builder.build();
  }
}
