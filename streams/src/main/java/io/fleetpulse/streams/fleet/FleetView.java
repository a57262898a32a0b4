package io.fleetpulse.streams.fleet;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.schemas.EventKind;
import io.fleetpulse.streams.detect.DetectionSettings;
import io.fleetpulse.streams.releases.RegressionRule;
import io.fleetpulse.streams.releases.ReleaseHealthProcessor;
import io.fleetpulse.streams.releases.ReleaseSignal;
import io.fleetpulse.streams.releases.ReleaseStores;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The fleet-wide part of the pipeline: device alerts, signs of life (with the release each device runs) and events,
 * read back from {@code fleet.alerts}, {@code fleet.health} and {@code fleet.events}, re-keyed by fleet through one
 * repartition topic (the only one in fleetpulse: a fleet spans device partitions), into
 * {@link FleetIncidentProcessor}, {@link RestartOutlierProcessor} and {@link ReleaseHealthProcessor} (health by
 * release, and RELEASE_REGRESSION to {@code fleet.alerts}). Incidents go to
 * {@code fleet.alerts} keyed by fleet name; restart-outlier verdicts go to {@code fleet.outliers} keyed
 * by device, where the device part of the topology picks them up ({@code alerts.OutlierWarningsProcessor}).
 */
public final class FleetView {

  static final String REPARTITION = "fleet-signals";

  private FleetView() {}

  public static void addTo(StreamsBuilder builder, DetectionSettings settings, Duration round) {
    KStream<String, FleetSignal> fromAlerts = builder.stream(Topics.ALERTS, Consumed.with(Serdes.String(), FleetSerdes.alert()))
        .filter((key, alert) -> alert.getKind() != AlertKind.FLEET_INCIDENT && alert.getDeviceUuid() != null)
        .mapValues(FleetSignal::of);
    // Health without a last seen is a device that only reported its software yet: its release counts from then on.
    KStream<String, FleetSignal> fromHealth = builder.stream(Topics.HEALTH, Consumed.with(Serdes.String(), FleetSerdes.deviceHealth()))
        .filter((key, health) -> health.getLastSeen() != null || health.getSoftware() != null)
        .mapValues(FleetSignal::of);
    KStream<String, FleetSignal> fromEvents = builder.stream(Topics.EVENTS, Consumed.with(Serdes.String(), FleetSerdes.deviceEvent()))
        .filter((key, event) -> ReleaseHealthProcessor.counts(event.getKind()))
        .mapValues(FleetSignal::of);

    builder.addStateStore(FleetStores.incidents());
    builder.addStateStore(FleetStores.devices());
    builder.addStateStore(FleetStores.episodes());
    builder.addStateStore(FleetStores.restarts());
    builder.addStateStore(FleetStores.outliers());
    builder.addStateStore(ReleaseStores.devices());
    builder.addStateStore(ReleaseStores.tallies());
    builder.addStateStore(ReleaseStores.reports());
    KStream<String, FleetSignal> byFleet = fromAlerts.merge(fromHealth).merge(fromEvents)
        .selectKey((device, signal) -> signal.fleet())
        .repartition(Repartitioned.with(Serdes.String(), FleetSignal.serde()).withName(REPARTITION));
    byFleet.process(() -> new FleetIncidentProcessor(settings, round), FleetStores.INCIDENTS, FleetStores.DEVICES, FleetStores.EPISODES)
        .to(Topics.ALERTS, Produced.with(Serdes.String(), FleetSerdes.alert()));
    byFleet.process(() -> new RestartOutlierProcessor(settings, round), FleetStores.DEVICES, FleetStores.RESTARTS, FleetStores.OUTLIERS)
        .to(Topics.OUTLIERS, Produced.with(Serdes.String(), FleetSerdes.restartOutlier()));
    byFleet.flatMapValues(FleetView::releaseSignals)
        .process(() -> new ReleaseHealthProcessor(RegressionRule.DEFAULT, round),
            ReleaseStores.DEVICES, ReleaseStores.TALLIES, ReleaseStores.REPORTS, FleetStores.INCIDENTS)
        .to(Topics.ALERTS, Produced.with(Serdes.String(), FleetSerdes.alert()));
  }

  /** What health by release takes from a signal: a device seen on its release, or the kinds an event or alert adds to. */
  static List<ReleaseSignal> releaseSignals(FleetSignal signal) {
    if (signal.isHealth()) {
      Set<String> failing = signal.failing() == null ? Set.of() : Set.of(signal.failing().split(","));
      return List.of(ReleaseSignal.seen(signal.device(), signal.at(), signal.release(), signal.os(), failing, signal.releaseSince()));
    }
    if (signal.isEvent()) {
      boolean reboot = signal.event().equals(EventKind.DEVICE_REBOOT.name()) && signal.cause() != null;
      return List.of(ReleaseSignal.counting(signal.device(), signal.at(),
          reboot ? List.of(signal.event(), signal.event() + ":" + signal.cause()) : List.of(signal.event())));
    }
    if (signal.kind() != null && signal.firing() && ReleaseHealthProcessor.counts(signal.kind())) {
      return List.of(ReleaseSignal.counting(signal.device(), signal.at(), List.of(signal.kind().name())));
    }
    return List.of();
  }
}
