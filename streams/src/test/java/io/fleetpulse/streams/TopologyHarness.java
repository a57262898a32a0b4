package io.fleetpulse.streams;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.DeviceEvent;
import io.fleetpulse.schemas.DeviceFacts;
import io.fleetpulse.schemas.DeviceHealth;
import io.fleetpulse.schemas.DeviceStatus;
import io.fleetpulse.schemas.DiskSample;
import io.fleetpulse.schemas.FleetSerdes;
import io.fleetpulse.schemas.JournalEntry;
import io.fleetpulse.schemas.RestartOutlier;
import io.fleetpulse.schemas.Topics;
import io.fleetpulse.streams.rules.RulesInForce;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The whole topology on a TopologyTestDriver, fed by topic the way the collector writes. */
public final class TopologyHarness implements AutoCloseable {

  public final TopologyTestDriver driver;
  private final Map<String, TestInputTopic<String, JournalEntry>> journal = new HashMap<>();
  private final TestInputTopic<String, DiskSample> disk;
  private final TestInputTopic<String, DeviceStatus> status;
  private final TestInputTopic<String, DeviceFacts> facts;
  private final TestOutputTopic<String, DeviceEvent> events;
  private final TestOutputTopic<String, Alert> alerts;
  private final TestOutputTopic<String, DeviceHealth> health;
  private final TestOutputTopic<String, RestartOutlier> outliers;

  public TopologyHarness(Path stateDir) {
    this(StreamsSettings.of("unused:9092", "topology-test", stateDir));
  }

  public TopologyHarness(StreamsSettings settings) {
    this(settings, RulesInForce.none());
  }

  public TopologyHarness(StreamsSettings settings, RulesInForce rules) {
    driver = new TopologyTestDriver(FleetTopology.build(settings, FleetStreams.properties(settings), new SimpleMeterRegistry(), rules),
        FleetStreams.properties(settings), Instant.parse("2026-11-27T10:00:00Z"));
    disk = driver.createInputTopic(Topics.METRICS_DISK, Serdes.String().serializer(), FleetSerdes.diskSample().serializer());
    status = driver.createInputTopic(Topics.COLLECTOR_STATUS, Serdes.String().serializer(), FleetSerdes.deviceStatus().serializer());
    facts = driver.createInputTopic(Topics.DEVICE_FACTS, Serdes.String().serializer(), FleetSerdes.deviceFacts().serializer());
    events = driver.createOutputTopic(Topics.EVENTS, Serdes.String().deserializer(), FleetSerdes.deviceEvent().deserializer());
    alerts = driver.createOutputTopic(Topics.ALERTS, Serdes.String().deserializer(), FleetSerdes.alert().deserializer());
    health = driver.createOutputTopic(Topics.HEALTH, Serdes.String().deserializer(), FleetSerdes.deviceHealth().deserializer());
    outliers = driver.createOutputTopic(Topics.OUTLIERS, Serdes.String().deserializer(), FleetSerdes.restartOutlier().deserializer());
  }

  /** Pipes entries to their unit's topic, stamped with their receive time like the collector does. */
  public TopologyHarness pipe(List<JournalEntry> entries) {
    for (JournalEntry entry : entries) {
      String topic = Topics.journalTopicFor(entry.getUnit());
      journal.computeIfAbsent(topic, t -> driver.createInputTopic(t, Serdes.String().serializer(), FleetSerdes.journalEntry().serializer()))
          .pipeInput(entry.getDeviceUuid(), entry, entry.getReceivedAt());
    }
    return this;
  }

  public TopologyHarness pipe(JournalEntry entry) {
    return pipe(List.of(entry));
  }

  public TopologyHarness pipe(DiskSample sample) {
    disk.pipeInput(sample.getDeviceUuid(), sample, sample.getReceivedAt());
    return this;
  }

  public TopologyHarness pipe(DeviceStatus deviceStatus) {
    status.pipeInput(deviceStatus.getDeviceUuid(), deviceStatus, deviceStatus.getAt());
    return this;
  }

  public TopologyHarness pipe(DeviceFacts deviceFacts) {
    facts.pipeInput(deviceFacts.getDeviceUuid(), deviceFacts, deviceFacts.getAt());
    return this;
  }

  /** Lets wall-clock time pass, running the quiet-period and unreachable rounds. */
  public TopologyHarness advanceWallClock(Duration duration) {
    driver.advanceWallClockTime(duration);
    return this;
  }

  public List<DeviceEvent> events() {
    return events.readValuesToList();
  }

  public List<Alert> alerts() {
    return alerts.readValuesToList();
  }

  public List<DeviceHealth> health() {
    return health.readValuesToList();
  }

  /** The fleet view's restart-outlier verdicts, keyed by device. */
  public List<RestartOutlier> outlierVerdicts() {
    return outliers.readValuesToList();
  }

  @Override
  public void close() {
    driver.close();
  }
}
