package io.fleetpulse.launcher.config;

import io.fleetpulse.streams.detect.DetectionSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything an operator can configure, with its default. The YAML file mirrors this shape; every
 * key also has an environment variable ({@code FLEETPULSE_} + the path in upper snake case, e.g.
 * {@code kafka.bootstrap} → {@code FLEETPULSE_KAFKA_BOOTSTRAP}) and can be set with
 * {@code --set path=value}. See the README, "Configuration".
 */
public record FleetpulseConfig(String dataDir, Kafka kafka, Embedded embedded, Collector collector, Listener api, Streams streams) {

  /** Kafka as the roles see it. An empty bootstrap in {@code run} means the embedded broker. */
  public record Kafka(String bootstrap, int partitions, short replication, int deliveryTimeoutSeconds) {}

  /** The embedded single-node broker of the all-in-one mode; its data lives in {@code <dataDir>/kafka}. */
  public record Embedded(int port, int controllerPort) {}

  public record Listener(String host, int port) {}

  public record Collector(String host, int port, Limits limits) {
    public Listener listener() {
      return new Listener(host, port);
    }
  }

  /** Journal size limits per field, entry, request (bytes) and fields per entry. */
  public record Limits(int maxFieldBytes, int maxEntryBytes, int maxFieldsPerEntry, long maxRequestBytes) {}

  /** The topology; its state lives in {@code <dataDir>/streams}. */
  public record Streams(String applicationId, int eventRetentionDays, int healthHistoryDays, Detection detection) {}

  /**
   * Detector thresholds (CONTRACT.md "Alert kinds"), in the units their names say. Defaults come from
   * {@link DetectionSettings#defaults()}, so the contract's numbers live in one place.
   */
  public record Detection(
      int crashloopRestarts, int crashloopWindowMinutes, int clockStepSeconds,
      int vpnTlsFailures, int vpnTlsWindowMinutes, int causeWindowMinutes,
      int dnsFailures, int dnsWindowMinutes,
      int diskTrendWindowHours, int diskFullHorizonHours, int diskCriticalHorizonHours, int diskMinFreePercent,
      int supervisorTargetStateFailures, int supervisorWindowMinutes,
      int unreachableMinutes, int quietPeriodMinutes,
      int fleetIncidentDevices, int fleetIncidentPercent, int fleetIncidentWindowMinutes, int fleetActiveMinutes) {

    public Detection {
      Map<String, Integer> values = new LinkedHashMap<>();
      values.put("crashloopRestarts", crashloopRestarts);
      values.put("crashloopWindowMinutes", crashloopWindowMinutes);
      values.put("clockStepSeconds", clockStepSeconds);
      values.put("vpnTlsFailures", vpnTlsFailures);
      values.put("vpnTlsWindowMinutes", vpnTlsWindowMinutes);
      values.put("causeWindowMinutes", causeWindowMinutes);
      values.put("dnsFailures", dnsFailures);
      values.put("dnsWindowMinutes", dnsWindowMinutes);
      values.put("diskTrendWindowHours", diskTrendWindowHours);
      values.put("diskFullHorizonHours", diskFullHorizonHours);
      values.put("diskCriticalHorizonHours", diskCriticalHorizonHours);
      values.put("diskMinFreePercent", diskMinFreePercent);
      values.put("supervisorTargetStateFailures", supervisorTargetStateFailures);
      values.put("supervisorWindowMinutes", supervisorWindowMinutes);
      values.put("unreachableMinutes", unreachableMinutes);
      values.put("quietPeriodMinutes", quietPeriodMinutes);
      values.put("fleetIncidentDevices", fleetIncidentDevices);
      values.put("fleetIncidentPercent", fleetIncidentPercent);
      values.put("fleetIncidentWindowMinutes", fleetIncidentWindowMinutes);
      values.put("fleetActiveMinutes", fleetActiveMinutes);
      values.forEach((name, value) -> {
        if (value <= 0) {
          throw new IllegalArgumentException("streams.detection." + name + " must be positive, got " + value);
        }
      });
      if (diskMinFreePercent > 100 || fleetIncidentPercent > 100) {
        throw new IllegalArgumentException("streams.detection percentages must be at most 100");
      }
    }

    static Detection of(DetectionSettings d) {
      return new Detection(
          d.crashloopRestarts(), (int) d.crashloopWindow().toMinutes(), (int) d.clockStep().toSeconds(),
          d.vpnTlsFailures(), (int) d.vpnTlsWindow().toMinutes(), (int) d.causeWindow().toMinutes(),
          d.dnsFailures(), (int) d.dnsWindow().toMinutes(),
          (int) d.diskTrendWindow().toHours(), (int) d.diskFullHorizon().toHours(), (int) d.diskCriticalHorizon().toHours(),
          (int) Math.round(d.diskMinFreeFraction() * 100),
          d.supervisorTargetStateFailures(), (int) d.supervisorWindow().toMinutes(),
          (int) d.unreachableAfter().toMinutes(), (int) d.quietPeriod().toMinutes(),
          d.fleetIncidentDevices(), (int) Math.round(d.fleetIncidentShare() * 100), (int) d.fleetIncidentWindow().toMinutes(),
          (int) d.fleetActiveWindow().toMinutes());
    }

    public DetectionSettings settings() {
      return new DetectionSettings(
          crashloopRestarts, Duration.ofMinutes(crashloopWindowMinutes), Duration.ofSeconds(clockStepSeconds),
          vpnTlsFailures, Duration.ofMinutes(vpnTlsWindowMinutes), Duration.ofMinutes(causeWindowMinutes),
          dnsFailures, Duration.ofMinutes(dnsWindowMinutes),
          Duration.ofHours(diskTrendWindowHours), Duration.ofHours(diskFullHorizonHours), Duration.ofHours(diskCriticalHorizonHours),
          diskMinFreePercent / 100.0,
          supervisorTargetStateFailures, Duration.ofMinutes(supervisorWindowMinutes),
          Duration.ofMinutes(unreachableMinutes), Duration.ofMinutes(quietPeriodMinutes),
          fleetIncidentDevices, fleetIncidentPercent / 100.0, Duration.ofMinutes(fleetIncidentWindowMinutes),
          Duration.ofMinutes(fleetActiveMinutes));
    }
  }

  public static FleetpulseConfig defaults() {
    return new FleetpulseConfig(
        "./data",
        new Kafka("", 6, (short) 1, 10),
        new Embedded(9092, 9093),
        new Collector("127.0.0.1", 19532, new Limits(64 * 1024, 256 * 1024, 256, 64L * 1024 * 1024)),
        new Listener("127.0.0.1", 8080),
        new Streams("fleetpulse", 14, 14, Detection.of(DetectionSettings.defaults())));
  }
}
