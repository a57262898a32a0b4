package io.fleetpulse.streams;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** Key-value stores in memory, without a changelog, ready to use: for unit tests of the classes that keep them. */
public final class InMemoryStores {

  private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();

  /** A store keyed by string. */
  public <V> KeyValueStore<String, V> keyValue(String name, Serde<V> values) {
    KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    return store;
  }
}
