package io.fleetpulse.streams.fleet;

import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import io.fleetpulse.schemas.AlertState;
import io.fleetpulse.schemas.Severity;
import io.fleetpulse.streams.detect.DetectionSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * FLEET_INCIDENT: what no single-device check sees. Keyed by fleet (after the by-fleet repartition), it
 * tracks which devices are alive and which fire which kind; when at least N devices and a share of the
 * fleet's active devices fire the same kind within the window, one incident opens for (fleet, kind),
 * named by its dominant cause, and it resolves when that no longer holds. While it is live, its stored
 * copy keeps count of the devices and the cause; {@code fleet.alerts} carries only FIRING and RESOLVED.
 */
public final class FleetIncidentProcessor implements Processor<String, FleetSignal, String, Alert> {

  private final DetectionSettings settings;
  private final Duration round;
  private ProcessorContext<String, Alert> context;
  private KeyValueStore<String, Long> lastSeen;
  private KeyValueStore<String, String> episodes;
  private KeyValueStore<String, Alert> incidents;
  /** Task-local, counted from the store on first use and then once a round: each fleet's active devices. */
  private final Map<String, ActiveDevices> activeByFleet = new HashMap<>();

  public FleetIncidentProcessor(DetectionSettings settings, Duration round) {
    this.settings = settings;
    this.round = round;
  }

  @Override
  public void init(ProcessorContext<String, Alert> context) {
    this.context = context;
    this.lastSeen = context.getStateStore(FleetStores.DEVICES);
    this.episodes = context.getStateStore(FleetStores.EPISODES);
    this.incidents = context.getStateStore(FleetStores.INCIDENTS);
    context.schedule(round, PunctuationType.WALL_CLOCK_TIME, now -> reviewOpenIncidents(Instant.ofEpochMilli(now)));
  }

  @Override
  public void process(Record<String, FleetSignal> record) {
    FleetSignal signal = record.value();
    String fleet = record.key();
    Instant at = Instant.ofEpochMilli(signal.at());
    Long seen = lastSeen.get(FleetStores.key(fleet, signal.device()));
    if (seen == null || seen < signal.at()) {
      lastSeen.put(FleetStores.key(fleet, signal.device()), signal.at());
    }
    if (signal.kind() == null || signal.kind() == AlertKind.FLEET_INCIDENT) {
      return;
    }
    String episodeKey = FleetStores.key(fleet, signal.kind().name(), signal.device());
    episodes.put(episodeKey, (signal.firing() ? "" : Long.toString(signal.at())) + "|" + (signal.cause() == null ? "" : signal.cause()));
    judge(fleet, signal.kind(), at);
  }

  private void reviewOpenIncidents(Instant now) {
    List<Alert> open = new ArrayList<>();
    try (KeyValueIterator<String, Alert> it = incidents.all()) {
      it.forEachRemaining(kv -> {
        // The store also keeps release regressions (ReleaseHealthProcessor): they are judged there.
        if (kv.value.getState() == AlertState.FIRING && kv.value.getKind() == AlertKind.FLEET_INCIDENT) {
          open.add(kv.value);
        }
      });
    }
    for (Alert incident : open) {
      judge(incident.getFleet(), AlertKind.valueOf(incident.getSubject()), now);
    }
  }

  private void judge(String fleet, AlertKind kind, Instant now) {
    long windowStart = now.minus(settings.fleetIncidentWindow()).toEpochMilli();
    Map<String, String> causes = new java.util.HashMap<>();
    try (KeyValueIterator<String, String> it = episodes.prefixScan(FleetStores.key(fleet, kind.name(), ""), new StringSerializer())) {
      it.forEachRemaining(kv -> {
        String[] episode = kv.value.split("\\|", -1);
        boolean recent = episode[0].isEmpty() || Long.parseLong(episode[0]) >= windowStart;
        if (recent) {
          causes.put(kv.key.substring(kv.key.lastIndexOf('|') + 1), episode[1]);
        }
      });
    }
    int active = activeDevices(fleet, now, causes.keySet());
    boolean incident = causes.size() >= settings.fleetIncidentDevices()
        && causes.size() >= Math.ceil(settings.fleetIncidentShare() * active);
    String key = FleetStores.key(fleet, kind.name());
    Alert current = incidents.get(key);
    boolean live = current != null && current.getState() == AlertState.FIRING;
    if (incident && !live) {
      Alert opened = open(fleet, kind, causes, active, now);
      incidents.put(key, opened);
      context.forward(new Record<>(fleet, opened, now.toEpochMilli()));
    } else if (incident) {
      // The incident grows or shrinks while live: the store shows today's picture, the topic its transitions.
      Alert picture = open(fleet, kind, causes, active, current.getStartedAt());
      incidents.put(key, Alert.newBuilder(current).setSummary(picture.getSummary()).setCause(picture.getCause())
          .setHint(picture.getHint()).setEvidence(picture.getEvidence()).build());
    } else if (live && !now.isBefore(current.getStartedAt())) {
      Alert resolved = Alert.newBuilder(current).setState(AlertState.RESOLVED).setResolvedAt(now).build();
      incidents.put(key, resolved);
      context.forward(new Record<>(fleet, resolved, now.toEpochMilli()));
    }
  }

  /**
   * The fleet's active devices (seen within the active window) and those firing. Who was seen is counted from
   * the store at most once a judging round per fleet, not on every signal: a fleet of 30,000 devices firing
   * at once made that scan quadratic (issue 29). The count it gives may be one round old.
   */
  private int activeDevices(String fleet, Instant now, Set<String> firing) {
    ActiveDevices seen = activeByFleet.get(fleet);
    if (seen == null || Duration.between(seen.countedAt(), now).abs().compareTo(round) >= 0) {
      long since = now.minus(settings.fleetActiveWindow()).toEpochMilli();
      Set<String> devices = new HashSet<>();
      try (KeyValueIterator<String, Long> it = lastSeen.prefixScan(FleetStores.key(fleet, ""), new StringSerializer())) {
        it.forEachRemaining(kv -> {
          if (kv.value >= since) {
            devices.add(kv.key.substring(kv.key.lastIndexOf('|') + 1));
          }
        });
      }
      seen = new ActiveDevices(now, devices);
      activeByFleet.put(fleet, seen);
    }
    Set<String> counted = seen.devices();
    return counted.size() + (int) firing.stream().filter(device -> !counted.contains(device)).count();
  }

  /** The devices of a fleet seen within the active window, as counted at {@code countedAt}. */
  private record ActiveDevices(Instant countedAt, Set<String> devices) {}

  private static Alert open(String fleet, AlertKind kind, Map<String, String> causes, int active, Instant now) {
    Map<String, Long> byCause = causes.values().stream().filter(c -> !c.isEmpty())
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    KeyValue<String, Long> dominant = byCause.entrySet().stream().max(Map.Entry.comparingByValue())
        .map(e -> KeyValue.pair(e.getKey(), e.getValue())).orElse(null);
    String summary = String.format("%d of %d devices in fleet %s: %s%s", causes.size(), active, fleet, describe(kind),
        dominant == null ? "" : ", " + dominant.value + " " + IncidentCauses.explain(dominant.key));
    String identity = fleet + "|" + kind + "|" + now.toEpochMilli();
    List<String> evidence = causes.keySet().stream().sorted(Comparator.naturalOrder()).limit(10)
        .map(device -> device + (causes.get(device).isEmpty() ? "" : " (" + causes.get(device) + ")")).toList();
    return Alert.newBuilder()
        .setId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString())
        .setDeviceUuid(null)
        .setFleet(fleet)
        .setKind(AlertKind.FLEET_INCIDENT)
        .setSeverity(Severity.critical)
        .setState(AlertState.FIRING)
        .setSubject(kind.name())
        .setCause(dominant == null ? null : dominant.key)
        .setSummary(summary)
        .setHint(IncidentCauses.hint(kind, dominant == null ? null : dominant.key))
        .setStartedAt(now)
        .setResolvedAt(null)
        .setEvidence(new ArrayList<>(evidence))
        .build();
  }

  private static String describe(AlertKind kind) {
    return switch (kind) {
      case VPN_TLS_FAILURE -> "VPN TLS failures";
      case DNS_FAILURE -> "DNS failures";
      case CRASHLOOP -> "crash loops";
      case TIME_JUMP -> "clock jumps";
      default -> kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    };
  }
}
