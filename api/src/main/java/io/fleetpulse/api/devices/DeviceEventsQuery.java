package io.fleetpulse.api.devices;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.streams.events.DeviceEventsStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/** Reads one device's events from the streams' {@link DeviceEventsStore}, newest first. */
public final class DeviceEventsQuery {

  /** What a request asks for; {@code kind} null means every kind. */
  public record Request(String uuid, EventKind kind, Instant from, Instant to, int limit) {}

  private final KafkaStreams streams;

  public DeviceEventsQuery(KafkaStreams streams) {
    this.streams = streams;
  }

  /**
   * Blocking (RocksDB reads): call from a worker thread.
   *
   * @throws InvalidStateStoreException while the store is not queryable (starting, rebalancing)
   */
  public List<DeviceEvent> run(Request request) {
    ReadOnlyWindowStore<String, DeviceEvent> store = streams.store(
        StoreQueryParameters.fromNameAndType(DeviceEventsStore.NAME, QueryableStoreTypes.windowStore()));
    List<DeviceEvent> events = new ArrayList<>();
    try (WindowStoreIterator<DeviceEvent> it = store.backwardFetch(request.uuid(), request.from(), request.to())) {
      while (it.hasNext() && events.size() < request.limit()) {
        DeviceEvent event = it.next().value;
        if (request.kind() == null || event.getKind() == request.kind()) {
          events.add(event);
        }
      }
    }
    return events;
  }
}
