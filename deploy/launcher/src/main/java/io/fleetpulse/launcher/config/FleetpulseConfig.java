package io.fleetpulse.launcher.config;

import io.fleetpulse.api.notify.RetryPolicy;
import io.fleetpulse.streams.FleetStreams;
import io.fleetpulse.streams.detect.DetectionSettings;
import io.fleetpulse.streams.journal.JournalRetention;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything an operator can configure, with its default. The YAML file mirrors this shape; every
 * key also has an environment variable ({@code FLEETPULSE_} + the path in upper snake case, e.g.
 * {@code kafka.bootstrap} → {@code FLEETPULSE_KAFKA_BOOTSTRAP}) and can be set with
 * {@code --set path=value}. See the README, "Configuration".
 */
public record FleetpulseConfig(
    String dataDir, Kafka kafka, Embedded embedded, Collector collector, Api api, Streams streams, Pipeline pipeline,
    Notifications notifications) {

  /** Kafka as the roles see it. An empty bootstrap in {@code run} means the embedded broker. */
  public record Kafka(String bootstrap, int partitions, short replication, int deliveryTimeoutSeconds) {}

  /** The embedded single-node broker of the all-in-one mode; its data lives in {@code <dataDir>/kafka}. */
  public record Embedded(int port, int controllerPort) {}

  /**
   * The push endpoint. {@code push} false leaves it out (an SSH-only collector); {@code behindAuthenticatingProxy}
   * allows binding beyond loopback without built-in device authentication, for a TLS-terminating proxy that
   * authenticates devices; {@code opsPort} serves {@code /healthz} and {@code /metrics} of the standalone collector
   * role (in {@code run}, the API serves them). {@code instanceId} names this collector's Kafka transactional ids:
   * empty means an id generated once and kept in {@code <dataDir>/collector-instance-id}; every running collector
   * needs its own, and keeping it across restarts lets a restart abort what a killed predecessor left open.
   */
  public record Collector(String host, int port, boolean push, boolean behindAuthenticatingProxy, int opsPort, String instanceId, Limits limits,
                          Timeouts timeouts,
                          RateLimits rateLimits, Tls tls, String deviceTokensFile, Ssh ssh) {}

  /**
   * SSH tailing: off while {@code inventory} is empty. {@code knownHosts} empty means
   * {@code <dataDir>/known_hosts}; {@code hostKeyPolicy} is {@code strict} or {@code trust-on-first-use};
   * {@code startPosition} ({@code now} or {@code all}) applies to devices without a committed cursor;
   * {@code diskMounts} is a comma-separated list.
   */
  public record Ssh(String inventory, String knownHosts, String hostKeyPolicy, String journalctl, String startPosition,
      String diskMounts, String transactionalId) {}

  /**
   * The REST API. {@code tokens} (file only) enable bearer authentication, which also allows binding to
   * addresses other than loopback; {@code metricsTokenSha256} puts {@code /metrics} behind a token of its own.
   * {@code ./fleetpulse token} prints new tokens with their hashes. {@code advertisedHost} is how other api
   * instances reach this one (a pod's DNS name); empty means {@code host}. {@code perDeviceSeriesCap} bounds
   * the per-device series of /metrics (failing devices only).
   */
  public record Api(String host, int port, String advertisedHost, java.util.List<Token> tokens, String metricsTokenSha256,
                    int perDeviceSeriesCap, String journalRole) {}

  /** One API token: who holds it, {@code viewer} or {@code admin}, and the SHA-256 (hex) of the token. */
  public record Token(String name, String role, String sha256) {}

  /**
   * Journal size limits per field, entry, request (bytes) and fields per entry; connections one client address may
   * hold open at once, and open per second (0 = unlimited).
   */
  public record Limits(int maxFieldBytes, int maxEntryBytes, int maxFieldsPerEntry, long maxRequestBytes, int maxConnections,
                       int maxConnectionsPerAddress, int newConnectionsPerSecondPerAddress, long inFlightBytes) {}

  /**
   * How long a push connection may take: without a byte either way (then it is closed: half-sent headers, silent
   * connections), without a body byte while the collector reads, and for a whole push (then 408, and nothing of
   * the unread part committed).
   */
  public record Timeouts(int idleSeconds, int bodyIdleSeconds, int requestSeconds) {}

  /** Per-device push limits: sustained entries, bytes and requests per second, burst in seconds' worth; 0 = unlimited. */
  public record RateLimits(double entriesPerSecond, double bytesPerSecond, double requestsPerSecond, double burstSeconds) {}

  /**
   * HTTPS for push (PEM files; empty = plain HTTP). With {@code clientCaFile} devices must present a
   * certificate signed by it whose CN is their uuid (mTLS).
   */
  public record Tls(String certFile, String keyFile, String clientCaFile) {
    public boolean enabled() {
      return !certFile.isEmpty();
    }

    public boolean mutual() {
      return enabled() && !clientCaFile.isEmpty();
    }
  }

  /**
   * The topology; its state lives in {@code <dataDir>/streams}. {@code standbyReplicas} keeps warm copies of
   * each state store on other api instances, so a failover does not wait for a restore. {@code instanceId} is this
   * instance's static membership in the streams' consumer group (empty: generated once and kept in
   * {@code <dataDir>/streams-instance-id}), so a restarted instance takes its partitions back at once. Each device's
   * last {@code journalLines} journal lines (0: none), no older than {@code journalHours}, stay readable. Every
   * {@code commitIntervalMs} the streams commit what they processed in one transaction: events reach REST that much
   * later at most, and a larger fleet spends less of its time waiting for commits with a longer interval. {@code rules}
   * is the users' rules file (CONTRACT.md, "Rules users write"; empty: none), re-read when it changes.
   */
  public record Streams(String applicationId, String instanceId, int eventRetentionDays, int healthHistoryDays, int standbyReplicas,
                        int journalLines, int journalHours, int commitIntervalMs, String rules, Detection detection) {
    public Streams {
      if (commitIntervalMs < 10 || commitIntervalMs > 60_000) {
        throw new IllegalArgumentException("streams.commitIntervalMs must be between 10 and 60000, got " + commitIntervalMs);
      }
      if (journalLines < 0) {
        throw new IllegalArgumentException("streams.journalLines must be 0 (keep no journal lines) or more, got " + journalLines);
      }
      if (journalHours < 1) {
        throw new IllegalArgumentException("streams.journalHours must be 1 or more, got " + journalHours);
      }
    }
  }

  /**
   * Detector thresholds (CONTRACT.md "Alert kinds"), in the units their names say. Defaults come from
   * {@link DetectionSettings#defaults()}, so the contract's numbers live in one place.
   */
  public record Detection(
      int crashloopRestarts, int crashloopWindowMinutes, int clockStepSeconds, int bootSyncMinutes,
      int vpnTlsFailures, int vpnTlsWindowMinutes, int causeWindowMinutes,
      int dnsFailures, int dnsWindowMinutes,
      int diskTrendWindowHours, int diskFullHorizonHours, int diskCriticalHorizonHours, int diskMinFreePercent,
      int supervisorTargetStateFailures, int supervisorWindowMinutes,
      int unreachableMinutes, int quietPeriodMinutes,
      int fleetIncidentDevices, int fleetIncidentPercent, int fleetIncidentWindowMinutes, int fleetActiveMinutes,
      int outlierWindowHours, double outlierRobustZ, int outlierMinRestarts, int outlierMinDevices) {

    public Detection {
      Map<String, Integer> values = new LinkedHashMap<>();
      values.put("crashloopRestarts", crashloopRestarts);
      values.put("crashloopWindowMinutes", crashloopWindowMinutes);
      values.put("clockStepSeconds", clockStepSeconds);
      values.put("bootSyncMinutes", bootSyncMinutes);
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
      values.put("outlierWindowHours", outlierWindowHours);
      values.put("outlierMinRestarts", outlierMinRestarts);
      values.put("outlierMinDevices", outlierMinDevices);
      values.forEach((name, value) -> {
        if (value <= 0) {
          throw new IllegalArgumentException("streams.detection." + name + " must be positive, got " + value);
        }
      });
      if (diskMinFreePercent > 100 || fleetIncidentPercent > 100) {
        throw new IllegalArgumentException("streams.detection percentages must be at most 100");
      }
      if (!(outlierRobustZ > 0) || Double.isInfinite(outlierRobustZ)) {
        throw new IllegalArgumentException("streams.detection.outlierRobustZ must be a positive number, got " + outlierRobustZ);
      }
    }

    static Detection of(DetectionSettings d) {
      return new Detection(
          d.crashloopRestarts(), (int) d.crashloopWindow().toMinutes(), (int) d.clockStep().toSeconds(), (int) d.bootSyncWindow().toMinutes(),
          d.vpnTlsFailures(), (int) d.vpnTlsWindow().toMinutes(), (int) d.causeWindow().toMinutes(),
          d.dnsFailures(), (int) d.dnsWindow().toMinutes(),
          (int) d.diskTrendWindow().toHours(), (int) d.diskFullHorizon().toHours(), (int) d.diskCriticalHorizon().toHours(),
          (int) Math.round(d.diskMinFreeFraction() * 100),
          d.supervisorTargetStateFailures(), (int) d.supervisorWindow().toMinutes(),
          (int) d.unreachableAfter().toMinutes(), (int) d.quietPeriod().toMinutes(),
          d.fleetIncidentDevices(), (int) Math.round(d.fleetIncidentShare() * 100), (int) d.fleetIncidentWindow().toMinutes(),
          (int) d.fleetActiveWindow().toMinutes(),
          (int) d.outlierWindow().toHours(), d.outlierRobustZ(), d.outlierMinRestarts(), d.outlierMinDevices());
    }

    public DetectionSettings settings() {
      return new DetectionSettings(
          crashloopRestarts, Duration.ofMinutes(crashloopWindowMinutes), Duration.ofSeconds(clockStepSeconds),
          Duration.ofMinutes(bootSyncMinutes),
          vpnTlsFailures, Duration.ofMinutes(vpnTlsWindowMinutes), Duration.ofMinutes(causeWindowMinutes),
          dnsFailures, Duration.ofMinutes(dnsWindowMinutes),
          Duration.ofHours(diskTrendWindowHours), Duration.ofHours(diskFullHorizonHours), Duration.ofHours(diskCriticalHorizonHours),
          diskMinFreePercent / 100.0,
          supervisorTargetStateFailures, Duration.ofMinutes(supervisorWindowMinutes),
          Duration.ofMinutes(unreachableMinutes), Duration.ofMinutes(quietPeriodMinutes),
          fleetIncidentDevices, fleetIncidentPercent / 100.0, Duration.ofMinutes(fleetIncidentWindowMinutes),
          Duration.ofMinutes(fleetActiveMinutes),
          Duration.ofHours(outlierWindowHours), outlierRobustZ, outlierMinRestarts, outlierMinDevices);
    }
  }

  /**
   * The pipeline watchdog of every api instance: a partition whose read_committed readers have been stuck for
   * {@code stallSeconds} (0 = twice the delivery timeout, the collector's transaction timeout, plus 30 s) while
   * records wait behind it is reported, and unless {@code abortHanging} is false the transaction holding it is
   * aborted. Checked every {@code checkIntervalSeconds}.
   */
  public record Pipeline(boolean abortHanging, int stallSeconds, int checkIntervalSeconds, int maxProcessingDelaySeconds) {
    public Pipeline {
      if (stallSeconds < 0 || checkIntervalSeconds <= 0 || maxProcessingDelaySeconds <= 0) {
        throw new IllegalArgumentException("pipeline.stallSeconds must be 0 (automatic) or more, pipeline.checkIntervalSeconds and "
            + "pipeline.maxProcessingDelaySeconds positive");
      }
    }

    /** The stall limit: configured, or the collector's transaction timeout plus a margin. */
    public Duration stallAfter(Kafka kafka) {
      return stallSeconds > 0 ? Duration.ofSeconds(stallSeconds) : Duration.ofSeconds(2L * kafka.deliveryTimeoutSeconds() + 30);
    }
  }

  /**
   * Alert notifiers. Routes are set in the YAML file only; a {@code url} or {@code secret} written as
   * {@code ${NAME}} is read from the environment variable NAME, so webhook secrets stay out of files.
   *
   * @param publicUrl base URL for links in messages; empty means the API's own address
   */
  public record Notifications(String publicUrl, java.util.List<Route> routes, int maxAttempts, int resendIntervalSeconds,
                              int redeliverEverySeconds, int redeliverForHours, int incidentUpdateMinutes) {

    /** How a route retries a delivery: {@code maxAttempts}, backing off from 1 s to 1 min. */
    public RetryPolicy retry() {
      return new RetryPolicy(maxAttempts, Duration.ofSeconds(1), Duration.ofMinutes(1));
    }
  }

  /**
   * One notifier route: {@code type} is slack, mattermost, teams, webhook or alertmanager; empty match lists match all.
   * A Slack route with a bot {@code token} posts to {@code channel} through Slack's Web API (and edits a growing
   * incident's message in place); without one, {@code url} is an incoming webhook.
   */
  public record Route(String name, String type, String url, String secret,
                      java.util.List<String> kinds, java.util.List<String> severities, java.util.List<String> fleets,
                      String token, String channel) {}

  /** The Kafka the command-line tools talk to: kafka.bootstrap, else the embedded broker of a running ./fleetpulse run. */
  public String toolsBootstrap() {
    return kafka().bootstrap().isBlank() ? "127.0.0.1:" + embedded().port() : kafka().bootstrap();
  }

  public static FleetpulseConfig defaults() {
    return new FleetpulseConfig(
        "./data",
        new Kafka("", 6, (short) 1, 10),
        new Embedded(9092, 9093),
        new Collector("127.0.0.1", 19532, true, false, 19533, "", new Limits(64 * 1024, 256 * 1024, 256, 64L * 1024 * 1024, 0,
            512, 200, 128L * 1024 * 1024),
            new Timeouts(45, 30, 600),
            new RateLimits(2_000, 2 * 1024 * 1024, 20, 30), new Tls("", "", ""), "",
            new Ssh("", "", "strict", "journalctl", "now", "/mnt/data,/mnt/state", "fleetpulse-ssh-collector")),
        new Api("127.0.0.1", 8080, "", java.util.List.of(), "", 1000, "viewer"),
        new Streams("fleetpulse", "", 14, 14, 0, JournalRetention.DEFAULT.lines(), (int) JournalRetention.DEFAULT.age().toHours(),
            FleetStreams.COMMIT_INTERVAL_MS, "", Detection.of(DetectionSettings.defaults())),
        new Pipeline(true, 0, 5, 120),
        new Notifications("", java.util.List.of(), 5, 60, 60, 24, 15));
  }
}
