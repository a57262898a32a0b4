package io.fleetpulse.api.devices;

import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.streams.rules.RuleEvents;
import io.fleetpulse.streams.events.DeviceEventsStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Reads one device's events from the streams' {@link DeviceEventsStore}, newest first, a page at a time.
 * A page ends with a {@link Cursor}: where the next, older page starts (the store orders events by time, and
 * several may share a millisecond, so the cursor also says how many of that millisecond were already read).
 */
public final class DeviceEventsQuery {

  /**
   * What a request asks for; {@code kind} (an event kind, or the kind of a user's rule) null means every kind;
   * {@code after} null means from the newest.
   */
  public record Request(String uuid, String kind, Instant from, Instant to, int limit, Cursor after) {}

  /**
   * Where a page stopped: at {@code millis}, having read the newest {@code seen} events of that millisecond
   * (of any kind). Written as {@code <millis>.<seen>}.
   */
  public record Cursor(long millis, int seen) {

    /** The cursor of {@link #toString()}, or null when {@code text} is not one. */
    public static Cursor parse(String text) {
      int dot = text.indexOf('.');
      if (dot <= 0 || dot == text.length() - 1) {
        return null;
      }
      try {
        long millis = Long.parseLong(text.substring(0, dot));
        int seen = Integer.parseInt(text.substring(dot + 1));
        return millis < 0 || seen < 0 ? null : new Cursor(millis, seen);
      } catch (NumberFormatException e) {
        return null;
      }
    }

    @Override
    public String toString() {
      return millis + "." + seen;
    }
  }

  /** A page of events, and where the next one starts (null when there is none). */
  public record Page(List<DeviceEvent> events, Cursor next) {}

  private final KafkaStreams streams;

  public DeviceEventsQuery(KafkaStreams streams) {
    this.streams = streams;
  }

  /**
   * Blocking (RocksDB reads): call from a worker thread.
   *
   * @throws InvalidStateStoreException while the store is not queryable (starting, rebalancing)
   */
  public Page run(Request request) {
    return run(request, false);
  }

  /** @param fromStandby read a local standby copy too (the owner is unreachable, {@code StandbyRead}) */
  public Page run(Request request, boolean fromStandby) {
    StoreQueryParameters<ReadOnlyWindowStore<String, DeviceEvent>> query =
        StoreQueryParameters.fromNameAndType(DeviceEventsStore.NAME, QueryableStoreTypes.windowStore());
    ReadOnlyWindowStore<String, DeviceEvent> store = streams.store(fromStandby ? query.enableStaleStores() : query);
    Instant to = request.after() == null ? request.to() : min(request.to(), Instant.ofEpochMilli(request.after().millis()));
    List<DeviceEvent> events = new ArrayList<>();
    long lastMillis = -1;
    int seenAtLastMillis = 0;
    try (WindowStoreIterator<DeviceEvent> it = store.backwardFetch(request.uuid(), request.from(), to)) {
      while (it.hasNext()) {
        KeyValue<Long, DeviceEvent> next = it.next();
        if (next.key != lastMillis) {
          lastMillis = next.key;
          seenAtLastMillis = 0;
        }
        seenAtLastMillis++;
        if (request.after() != null && next.key == request.after().millis() && seenAtLastMillis <= request.after().seen()) {
          continue; // read by the previous page
        }
        if (request.kind() == null || request.kind().equals(RuleEvents.kindOf(next.value))) {
          if (events.size() == request.limit()) {
            // One more exists: the next page starts before it.
            return new Page(events, new Cursor(lastMillis, seenAtLastMillis - 1));
          }
          events.add(next.value);
        }
      }
    }
    return new Page(events, null);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
