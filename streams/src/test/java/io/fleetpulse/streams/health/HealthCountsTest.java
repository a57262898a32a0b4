package io.fleetpulse.streams.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.HealthCheck;
import io.fleetpulse.schemas.Status;
import io.fleetpulse.streams.InMemoryStores;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class HealthCountsTest {

  private final InMemoryStores stores = new InMemoryStores();
  private final KeyValueStore<String, DeviceHealth> current = stores.keyValue("health", FleetSerdes.deviceHealth());
  private final KeyValueStore<String, Long> store = stores.keyValue("counts", Serdes.Long());

  /** Health kept by a release before the counters existed is counted once, when the task starts. */
  @Test
  void countersMissingFromAnEarlierReleaseAreRebuiltOnceFromTheHealth() {
    current.put("a", health("a", Status.FAIL, Status.FAIL));
    current.put("b", health("b", Status.OK, Status.OK));
    current.put("c", health("c", Status.WARN, Status.WARN));

    HealthCounts counts = new HealthCounts(store);
    counts.rebuildIfMissing(current);
    counts.rebuildIfMissing(current);

    assertThat(store.get(HealthCounts.TOTAL)).isEqualTo(3);
    assertThat(store.get(HealthCounts.STATUS + "FAIL")).isEqualTo(1);
    assertThat(store.get(HealthCounts.STATUS + "OK")).isEqualTo(1);
    assertThat(store.get(HealthCounts.STATUS + "WARN")).isEqualTo(1);
    assertThat(store.get(HealthCounts.FAILING + HealthChecks.CONTAINER_ENGINE)).as("FAIL and WARN both count").isEqualTo(2);
    assertThat(store.get(HealthCounts.inFleet("harbor", HealthCounts.STATUS + "FAIL"))).isEqualTo(1);
    assertThat(store.get(HealthCounts.inFleet("harbor", HealthCounts.FAILING + HealthChecks.CONTAINER_ENGINE))).isEqualTo(2);

    counts.changed(current.get("a"), health("a", Status.OK, Status.OK));
    assertThat(store.get(HealthCounts.STATUS + "FAIL")).isNull();
    assertThat(store.get(HealthCounts.STATUS + "OK")).isEqualTo(2);
    assertThat(store.get(HealthCounts.FAILING + HealthChecks.CONTAINER_ENGINE)).isEqualTo(1);
    assertThat(store.get(HealthCounts.inFleet("harbor", HealthCounts.STATUS + "FAIL"))).isNull();
  }

  /** Counters of the layout before per-fleet keys are counted again from the health, not added to. */
  @Test
  void countersOfAnEarlierLayoutAreCountedAgain() {
    current.put("a", health("a", Status.FAIL, Status.FAIL));
    store.put(HealthCounts.TOTAL, 1L);
    store.put(HealthCounts.STATUS + "FAIL", 1L);
    store.put(HealthCounts.FAILING + HealthChecks.CONTAINER_ENGINE, 1L);

    new HealthCounts(store).rebuildIfMissing(current);

    assertThat(store.get(HealthCounts.TOTAL)).isEqualTo(1);
    assertThat(store.get(HealthCounts.STATUS + "FAIL")).isEqualTo(1);
    assertThat(store.get(HealthCounts.inFleet("harbor", HealthCounts.STATUS + "FAIL"))).isEqualTo(1);
  }

  private static DeviceHealth health(String device, Status status, Status engine) {
    return DeviceHealth.newBuilder().setDeviceUuid(device).setFleet("harbor").setStatus(status).setLastSeen(Instant.EPOCH)
        .setChecks(List.of(new HealthCheck(HealthChecks.CONTAINER_ENGINE, engine, null, Instant.EPOCH))).build();
  }
}
