package io.fleetpulse.streams.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.Severity;
import io.fleetpulse.streams.InMemoryStores;
import io.fleetpulse.streams.detect.Finding;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** Issue 29: the summary counted firing alerts by reading every one; the counters must follow every transition. */
class FiringAlertCountsTest {

  private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");

  private final InMemoryStores stores = new InMemoryStores();
  private final KeyValueStore<String, Alert> alerts = stores.keyValue("alerts", FleetSerdes.alert());
  private final KeyValueStore<String, Alert> firing = stores.keyValue("firing", FleetSerdes.alert());
  private final KeyValueStore<String, Long> counts = stores.keyValue("counts", Serdes.Long());

  @Test
  void countersFollowAlertsFiringAndResolving() {
    AlertLifecycle lifecycle = new AlertLifecycle(alerts, firing, counts);

    lifecycle.reconcile("d1", "harbor", Set.of(AlertKind.CRASHLOOP), List.of(crashloop("balena.service")), T0);
    lifecycle.reconcile("d2", "harbor", Set.of(AlertKind.CRASHLOOP), List.of(crashloop("balena.service"), crashloop("app.service")), T0);
    assertThat(counts.get("harbor|CRASHLOOP|critical")).isEqualTo(3);

    // Still firing, its summary grown: no second count.
    lifecycle.reconcile("d1", "harbor", Set.of(AlertKind.CRASHLOOP), List.of(crashloop("balena.service")), T0.plusSeconds(60));
    lifecycle.reconcile("d2", "harbor", Set.of(AlertKind.CRASHLOOP), List.of(), T0.plusSeconds(60));
    assertThat(counts.get("harbor|CRASHLOOP|critical")).isEqualTo(1);

    lifecycle.reconcile("d1", "harbor", Set.of(AlertKind.CRASHLOOP), List.of(), T0.plusSeconds(120));
    assertThat(counts.get("harbor|CRASHLOOP|critical")).as("a counter at zero is gone").isNull();
  }

  @Test
  void alertsFiringBeforeTheCountersExistedAreCountedOnceAtStart() {
    new AlertLifecycle(alerts, firing, stores.keyValue("no-counts-yet", Serdes.Long()))
        .reconcile("d1", "har|bor", Set.of(AlertKind.CRASHLOOP), List.of(crashloop("balena.service")), T0);

    new AlertLifecycle(alerts, firing, counts);
    new AlertLifecycle(alerts, firing, counts);

    assertThat(counts.get("har|bor|CRASHLOOP|critical")).isEqualTo(1);
    assertThat(FiringAlertCounts.fleet("har|bor|CRASHLOOP|critical")).isEqualTo("har|bor");
    assertThat(FiringAlertCounts.kind("har|bor|CRASHLOOP|critical")).isEqualTo("CRASHLOOP");
    assertThat(FiringAlertCounts.severity("har|bor|CRASHLOOP|critical")).isEqualTo("critical");
  }

  private static Finding crashloop(String unit) {
    return new Finding(AlertKind.CRASHLOOP, unit, Severity.critical, null, unit + " restarted uncleanly", null,
        List.of(unit + ": Main process exited, code=killed, status=9/KILL"), T0.minusSeconds(30));
  }
}
