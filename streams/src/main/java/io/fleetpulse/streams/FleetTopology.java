package io.fleetpulse.streams;

import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.alerts.AlertsStore;
import io.fleetpulse.streams.alerts.FiringAlertCounts;
import io.fleetpulse.streams.alerts.FiringAlertsStore;
import io.fleetpulse.streams.alerts.PastEpisodes;
import io.fleetpulse.streams.alerts.ConnectionStatusProcessor;
import io.fleetpulse.streams.alerts.DeviceAlertsProcessor;
import io.fleetpulse.streams.alerts.DeviceConnectionsStore;
import io.fleetpulse.streams.alerts.OutlierWarningsProcessor;
import io.fleetpulse.streams.boots.BootWatch;
import io.fleetpulse.streams.events.DeviceEventsStore;
import io.fleetpulse.streams.events.EventCounter;
import io.fleetpulse.streams.events.FleetEventCounts;
import io.fleetpulse.streams.extract.DiskSampleProcessor;
import io.fleetpulse.streams.extract.EventExtractor;
import io.fleetpulse.streams.extract.BootSync;
import io.fleetpulse.streams.extract.JournalProcessor;
import io.fleetpulse.streams.extract.JournalSourceDeserializer;
import io.fleetpulse.streams.extract.ResentEntryFilter;
import io.fleetpulse.streams.rules.RulesInForce;
import io.fleetpulse.streams.software.DeviceSoftwareProcessor;
import io.fleetpulse.streams.software.SupervisorStartLine;
import io.fleetpulse.streams.journal.AlertJournal;
import io.fleetpulse.streams.journal.DeviceJournalStore;
import io.fleetpulse.streams.journal.JournalKeeper;
import io.fleetpulse.streams.fleet.FleetView;
import io.fleetpulse.streams.health.DeviceHealthStores;
import io.fleetpulse.streams.health.DeviceStatusIndex;
import io.fleetpulse.streams.health.HealthCounts;
import io.fleetpulse.streams.health.DeviceOutliersStore;
import io.fleetpulse.streams.time.BootClock;
import io.fleetpulse.streams.time.DeviceClocks;
import java.time.Duration;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The fleetpulse pipeline, read top-down:
 *
 * <pre>
 *   fleet.journal.* ─► once ─┬► time, events ──┐  (reboots among them, once the new boot has settled)
 *                            └► device journal │  (recent lines; and those around each alert, kept with it)
 *   fleet.metrics.disk ──disk──► DISK_SAMPLE ───┴─► device-alerts: event log, detectors, alert lifecycle
 *   fleet.collector.status ──► device-connections        │        └─► fleet.events, fleet.alerts
 *                                                        └─► device health (current + history) ─► fleet.health
 *   fleet.outliers ──outlier-warnings──► device-outliers ──┘
 *   fleet.device.facts + supervisor start lines ──► device software ──┘  (in the health, every change in its history)
 *
 *   fleet.alerts + fleet.health ──by fleet──┬─► fleet incidents ─► fleet.alerts
 *   + unclean restarts on fleet.events      └─► restart-rate outliers (median/MAD) ─► fleet.outliers, by device
 * </pre>
 *
 * Every topic is keyed by device uuid and co-partitioned, so one task sees everything about a device
 * (all its units, its disk and its connection) and the device part never repartitions; only the fleet
 * view re-keys, by fleet ({@link FleetView}). What the fleet view concludes about one device comes back
 * keyed by device on {@code fleet.outliers}, and joins the device's health there.
 */
public final class FleetTopology {

  /** How often conditions that clear by time passing (quiet periods, unreachable) are re-judged. */
  static final Duration JUDGING_ROUND = Duration.ofSeconds(30);

  private static final String JOURNAL = "journal";
  private static final String DISK = "disk";
  private static final String STATUS = "collector-status";
  private static final String FACTS = "device-facts";
  private static final String SUPERVISOR_STARTS = "supervisor-starts";
  private static final String DEVICE_SOFTWARE = "device-software";
  private static final String JOURNAL_ONCE = "journal-once";
  private static final String JOURNAL_EVENTS = "journal-events";
  private static final String JOURNAL_KEEPER = "journal-keeper";
  private static final String DISK_EVENTS = "disk-events";
  private static final String CONNECTIONS = "connections";
  private static final String OUTLIERS = "outliers";
  private static final String OUTLIER_WARNINGS = "outlier-warnings";
  private static final String DEVICE_ALERTS = "device-alerts";
  private static final String COUNT_EVENTS = "count-events";
  private static final String EVENTS_SINK = "events-sink";
  private static final String ALERTS_SINK = "alerts-sink";
  private static final String HEALTH_SINK = "health-sink";

  private FleetTopology() {}

  /**
   * @param config the configuration the topology runs with: per-topology settings (transactional state
   *     stores among them) are read from the topology's own config, not from the one KafkaStreams gets
   */
  public static Topology build(StreamsSettings settings, Properties config, MeterRegistry metrics) {
    return build(settings, config, metrics, RulesInForce.none());
  }

  /** @param rules the users' rules, matched on every line and judged with every device's events; replaced as they change */
  public static Topology build(StreamsSettings settings, Properties config, MeterRegistry metrics, RulesInForce rules) {
    StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(config)));
    FleetView.addTo(builder, settings.detection(), JUDGING_ROUND);
    Topology topology = builder.build();
    Serializer<String> keys = Serdes.String().serializer();

    topology.addSource(JOURNAL, Serdes.String().deserializer(), new JournalSourceDeserializer(rules::readsOtherFields),
        Topics.journalTopics().toArray(String[]::new));
    topology.addSource(DISK, Serdes.String().deserializer(), FleetSerdes.diskSample().deserializer(), Topics.METRICS_DISK);
    topology.addSource(STATUS, Serdes.String().deserializer(), FleetSerdes.deviceStatus().deserializer(), Topics.COLLECTOR_STATUS);
    topology.addSource(FACTS, Serdes.String().deserializer(), FleetSerdes.deviceFacts().deserializer(), Topics.DEVICE_FACTS);
    topology.addSource(OUTLIERS, Serdes.String().deserializer(), FleetSerdes.restartOutlier().deserializer(), Topics.OUTLIERS);

    topology.addProcessor(JOURNAL_ONCE, () -> new ResentEntryFilter(metrics), JOURNAL);
    // The journal keeper before the events: an alert a line raises finds that line kept, to keep what is around it.
    if (settings.journal().enabled()) {
      topology.addProcessor(JOURNAL_KEEPER, () -> new JournalKeeper(settings.journal()), JOURNAL_ONCE);
    }
    topology.addProcessor(JOURNAL_EVENTS, () -> new JournalProcessor(EventExtractor.standard(), rules,
        settings.detection().clockStep(), new BootSync(settings.detection().bootSyncWindow()), DEVICE_ALERTS, HEALTH_SINK), JOURNAL_ONCE);
    topology.addProcessor(DISK_EVENTS, () -> new DiskSampleProcessor(settings.detection().diskMinFreeFraction(), DEVICE_ALERTS, HEALTH_SINK), DISK);
    topology.addProcessor(SUPERVISOR_STARTS, SupervisorStartLine::new, JOURNAL_ONCE);
    topology.addProcessor(DEVICE_SOFTWARE, DeviceSoftwareProcessor::new, FACTS, SUPERVISOR_STARTS);
    topology.addProcessor(CONNECTIONS, ConnectionStatusProcessor::new, STATUS);
    topology.addProcessor(OUTLIER_WARNINGS, OutlierWarningsProcessor::new, OUTLIERS);
    topology.addProcessor(DEVICE_ALERTS, () -> new DeviceAlertsProcessor(settings.detection(), rules, JUDGING_ROUND,
        settings.journal().enabled(), COUNT_EVENTS, ALERTS_SINK, HEALTH_SINK), JOURNAL_EVENTS, DISK_EVENTS);

    topology.addProcessor(COUNT_EVENTS, () -> new EventCounter(metrics), DEVICE_ALERTS);
    topology.addSink(EVENTS_SINK, Topics.EVENTS, keys, FleetSerdes.deviceEvent().serializer(), COUNT_EVENTS);
    topology.addSink(ALERTS_SINK, Topics.ALERTS, keys, FleetSerdes.alert().serializer(), DEVICE_ALERTS);
    topology.addSink(HEALTH_SINK, Topics.HEALTH, keys, FleetSerdes.deviceHealth().serializer(),
        JOURNAL_EVENTS, DISK_EVENTS, DEVICE_ALERTS, OUTLIER_WARNINGS, DEVICE_SOFTWARE);

    topology.addStateStore(ResentEntryFilter.store(), JOURNAL_ONCE);
    if (settings.journal().enabled()) {
      topology.addStateStore(DeviceJournalStore.lines(), JOURNAL_KEEPER, DEVICE_ALERTS);
      topology.addStateStore(DeviceJournalStore.index(), JOURNAL_KEEPER);
      topology.addStateStore(AlertJournal.builder(), DEVICE_ALERTS);
    }
    // Read and written for every entry: the cache keeps that in memory between commits.
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DeviceClocks.STORE),
        Serdes.String(), BootClock.serde()).withCachingEnabled(), JOURNAL_EVENTS);
    topology.addStateStore(BootWatch.builder(), JOURNAL_EVENTS);
    topology.addStateStore(DeviceHealthStores.current(), JOURNAL_EVENTS, DISK_EVENTS, DEVICE_ALERTS, OUTLIER_WARNINGS, DEVICE_SOFTWARE);
    topology.addStateStore(DeviceHealthStores.history(settings.healthHistory()), JOURNAL_EVENTS, DISK_EVENTS, DEVICE_ALERTS, OUTLIER_WARNINGS, DEVICE_SOFTWARE);
    topology.addStateStore(HealthCounts.builder(), JOURNAL_EVENTS, DISK_EVENTS, DEVICE_ALERTS, OUTLIER_WARNINGS, DEVICE_SOFTWARE);
    topology.addStateStore(DeviceStatusIndex.builder(), JOURNAL_EVENTS, DISK_EVENTS, DEVICE_ALERTS, OUTLIER_WARNINGS, DEVICE_SOFTWARE);
    topology.addStateStore(DeviceEventsStore.builder(settings.eventRetention()), DEVICE_ALERTS);
    topology.addStateStore(AlertsStore.builder(), DEVICE_ALERTS, OUTLIER_WARNINGS);
    topology.addStateStore(FiringAlertsStore.builder(), DEVICE_ALERTS, OUTLIER_WARNINGS);
    topology.addStateStore(FiringAlertCounts.builder(), DEVICE_ALERTS, OUTLIER_WARNINGS);
    topology.addStateStore(PastEpisodes.builder(), DEVICE_ALERTS);
    topology.addStateStore(FleetEventCounts.builder(), COUNT_EVENTS);
    topology.addStateStore(DeviceOutliersStore.builder(), DEVICE_ALERTS, OUTLIER_WARNINGS);
    topology.addStateStore(DeviceConnectionsStore.builder(), CONNECTIONS, DEVICE_ALERTS);
    return topology;
  }
}
