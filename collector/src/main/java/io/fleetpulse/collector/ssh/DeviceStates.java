package io.fleetpulse.collector.ssh;

import io.fleetpulse.schemas.ConnectionState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SSH collector's metrics: how many devices are in each connection state
 * ({@code fleetpulse.ssh.devices{state=…}}), entries committed and lines refused.
 */
final class DeviceStates {

  private final Map<String, ConnectionState> states = new ConcurrentHashMap<>();
  private final Counter committed;
  private final Counter refused;

  DeviceStates(MeterRegistry registry) {
    for (ConnectionState state : ConnectionState.values()) {
      Gauge.builder("fleetpulse.ssh.devices", states, all -> all.values().stream().filter(state::equals).count())
          .tag("state", state.name())
          .description("devices tailed over SSH, by connection state")
          .register(registry);
    }
    committed = Counter.builder("fleetpulse.ssh.entries.committed").description("journal entries committed to Kafka").register(registry);
    refused = Counter.builder("fleetpulse.ssh.entries.refused").description("journal lines that could not be read").register(registry);
  }

  void set(String uuid, ConnectionState state) {
    states.put(uuid, state);
  }

  void remove(String uuid) {
    states.remove(uuid);
  }

  long count(ConnectionState state) {
    return states.values().stream().filter(state::equals).count();
  }

  void committed(int entries) {
    committed.increment(entries);
  }

  void refused() {
    refused.increment();
  }

  double committedTotal() {
    return committed.count();
  }
}
