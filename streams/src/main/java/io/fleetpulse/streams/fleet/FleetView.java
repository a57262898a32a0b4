package io.fleetpulse.streams.fleet;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.detect.DetectionSettings;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The fleet-wide part of the pipeline: device alerts, signs of life and unclean restarts, read back from
 * {@code fleet.alerts}, {@code fleet.health} and {@code fleet.events}, re-keyed by fleet through one
 * repartition topic (the only one in fleetpulse: a fleet spans device partitions), into
 * {@link FleetIncidentProcessor} and {@link RestartOutlierProcessor}. Incidents go to
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
    KStream<String, FleetSignal> fromHealth = builder.stream(Topics.HEALTH, Consumed.with(Serdes.String(), FleetSerdes.deviceHealth()))
        .filter((key, health) -> health.getLastSeen() != null)
        .mapValues(FleetSignal::of);
    KStream<String, FleetSignal> fromRestarts = builder.stream(Topics.EVENTS, Consumed.with(Serdes.String(), FleetSerdes.deviceEvent()))
        .filter((key, event) -> FleetSignal.isUncleanRestart(event))
        .mapValues(FleetSignal::of);

    builder.addStateStore(FleetStores.incidents());
    builder.addStateStore(FleetStores.devices());
    builder.addStateStore(FleetStores.episodes());
    builder.addStateStore(FleetStores.restarts());
    builder.addStateStore(FleetStores.outliers());
    KStream<String, FleetSignal> byFleet = fromAlerts.merge(fromHealth).merge(fromRestarts)
        .selectKey((device, signal) -> signal.fleet())
        .repartition(Repartitioned.with(Serdes.String(), FleetSignal.serde()).withName(REPARTITION));
    byFleet.process(() -> new FleetIncidentProcessor(settings, round), FleetStores.INCIDENTS, FleetStores.DEVICES, FleetStores.EPISODES)
        .to(Topics.ALERTS, Produced.with(Serdes.String(), FleetSerdes.alert()));
    byFleet.process(() -> new RestartOutlierProcessor(settings, round), FleetStores.DEVICES, FleetStores.RESTARTS, FleetStores.OUTLIERS)
        .to(Topics.OUTLIERS, Produced.with(Serdes.String(), FleetSerdes.restartOutlier()));
  }
}
