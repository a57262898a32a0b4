package io.fleetpulse.bench.crash;

import io.fleetpulse.api.pipeline.PartitionOffsets;
import io.fleetpulse.kafka.EmbeddedKafkaBroker;
import io.fleetpulse.schemas.Alert;
import io.fleetpulse.schemas.AlertKind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fleetpulse killed with SIGKILL at random moments under steady push load and restarted on the same data
 * each time, while devices re-send every push until it is answered 202; then counted from the outside
 * ({@link ExactlyOnceAudit}). The product's promise, checked: nothing acknowledged is lost, nothing is
 * doubled, every alert episode fires once, and no partition is left behind an open transaction.
 *
 * <p>What is killed is the {@link Target}: the all-in-one (broker included), the collector alone while an
 * api instance and the broker keep running, one of two api instances, the broker under the two roles, or any
 * process of a three-broker cluster with two of each role.
 */
public final class CrashRun {

  private static final Logger log = LoggerFactory.getLogger(CrashRun.class);
  private static final String FLEET = "crash";
  private static final String APPLICATION_ID = "fleetpulse";
  /**
   * How long a (re)started process may take to serve before the run calls it hung. Not a goal: each restart's time
   * is reported. On two shared cores running seven JVMs a restarted api took up to 167 s (its JVM 35 s, its role 37 s
   * before it joins the group, then the join, the restore and the backlog), close to the 3 min this was.
   */
  private static final Duration READY_LIMIT = Duration.ofMinutes(5);

  /** Which process dies. */
  public enum Target {
    /** {@code fleetpulse run}, its embedded broker with it. */
    ALL_IN_ONE,
    /** {@code fleetpulse collector}, while {@code fleetpulse api} and the broker keep running. */
    COLLECTOR,
    /** one of two {@code fleetpulse api} instances (standby replicas on), while the other, the collector and the broker keep running. */
    API,
    /** the Kafka broker ({@code fleetpulse broker}), while {@code fleetpulse collector} and {@code fleetpulse api} keep running. */
    BROKER,
    /**
     * any process of a cluster: three brokers (replication 3, min ISR 2), two collectors behind a rotating "load
     * balancer" (each re-send goes to the other one) and two api instances (standby replicas on).
     */
    CLUSTER
  }

  /**
   * @param minUp shortest time the victim runs (after it is ready) before it is killed
   * @param maxUp longest time; each kill falls uniformly in between
   * @param rolling a rolling restart instead of kills: every process in turn (brokers first, then collectors and api
   *     instances) gets SIGTERM, as a service manager or a Kubernetes rollout stops it, and is started again
   * @param down how long a stopped process stays down before it is started again (longer than the transaction
   *     timeouts, 10-20 s, to see transactions the broker aborted on its own)
   */
  public record Settings(Target target, Path dataDir, int devices, int pushesPerDevice, int entriesPerPush, Duration pace, int kills,
                         Duration minUp, Duration maxUp, long seed, int stateDevices, boolean rolling, Duration down) {}

  /** What the run saw: the kills, how long each restart took to be ready, what was sent, and what went wrong. */
  public record Report(Target target, int kills, List<Duration> readyAfterKill, Duration firstStart, long entries, long resends,
                       Duration elapsed, String reads, List<String> failures) {
    public boolean passed() {
      return failures.isEmpty();
    }

    public String summary() {
      return String.format(Locale.ROOT, "%s: %d kills, %d entries from devices re-sending %d times, ready after each kill %s "
              + "(first start %.1f s), %s, %.0f s in all: %s", target, kills, entries, resends,
          readyAfterKill.stream().map(ready -> String.format(Locale.ROOT, "%.1f s", ready.toMillis() / 1000.0)).toList(),
          firstStart.toMillis() / 1000.0, reads, elapsed.toMillis() / 1000.0, passed() ? "passed" : failures.size() + " failures");
    }
  }

  /**
   * The processes of one run: who is started (tier by tier; the processes of one tier together, as the nodes of a
   * quorum must be), who may be killed, where devices push and the audit asks.
   */
  private record Deployment(List<List<FleetpulseProcess>> tiers, List<FleetpulseProcess> victims, String bootstrap, int[] collectorPorts,
                            int apiPort) {
    Deployment(List<FleetpulseProcess> processes, List<FleetpulseProcess> victims, String bootstrap, int collectorPort, int apiPort) {
      this(processes.stream().map(List::of).toList(), victims, bootstrap, new int[] {collectorPort}, apiPort);
    }

    List<FleetpulseProcess> processes() {
      return tiers.stream().flatMap(List::stream).toList();
    }
  }

  private final Settings settings;

  public CrashRun(Settings settings) {
    this.settings = settings;
  }

  public Report run() throws InterruptedException {
    Instant begin = Instant.now();
    // Targets whose Kafka runs in processes of their own (to be killed) start none here.
    boolean kafkaInChildren = EnumSet.of(Target.ALL_IN_ONE, Target.BROKER, Target.CLUSTER).contains(settings.target());
    EmbeddedKafkaBroker broker = kafkaInChildren ? null : new EmbeddedKafkaBroker(EmbeddedKafkaBroker.Settings.of(settings.dataDir().resolve("kafka"))).start();
    Deployment deployment = deployment(broker);
    Random random = new Random(settings.seed());
    List<Duration> recoveries = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    long baseMillis = ResendingDevice.baseMillis();
    List<ResendingDevice> devices = new ArrayList<>();
    for (int i = 0; i < settings.devices(); i++) {
      devices.add(new ResendingDevice(String.format("c7a5%028x", i + 1L), settings.pushesPerDevice(), settings.entriesPerPush(),
          baseMillis, deployment.collectorPorts(), settings.pace()));
    }
    ExecutorService load = Executors.newFixedThreadPool(devices.size());
    Duration firstStart;
    ReadProbe reads = null;
    // Whatever fails, the children are stopped and the broker closed before the data directory goes:
    // a broker whose log directory disappears halts its JVM.
    try {
      Instant starting = Instant.now();
      for (List<FleetpulseProcess> tier : deployment.tiers()) {
        tier.forEach(FleetpulseProcess::start);
        for (FleetpulseProcess process : tier) {
          process.awaitReady(READY_LIMIT);
        }
      }
      firstStart = Duration.between(starting, Instant.now());
      log.info("{} ready after {} ms (logs in {})", deployment.processes().stream().map(FleetpulseProcess::name).toList(),
          firstStart.toMillis(), settings.dataDir());
      if (settings.stateDevices() > 0) {
        fillState(deployment);
      }
      reads = ReadProbe.start(deployment.processes().stream().filter(FleetpulseProcess::servesApi).map(FleetpulseProcess::readyPort).toList());
      devices.forEach(load::execute);
      int kills = 0;
      while (kills < settings.kills() && !devices.stream().allMatch(ResendingDevice::done)) {
        long upMillis = settings.minUp().toMillis()
            + (long) (random.nextDouble() * (settings.maxUp().toMillis() - settings.minUp().toMillis()));
        Thread.sleep(upMillis);
        FleetpulseProcess victim = settings.rolling() ? deployment.victims().get(kills % deployment.victims().size())
            : deployment.victims().get(random.nextInt(deployment.victims().size()));
        if (settings.rolling()) {
          victim.stop();
        } else {
          victim.kill();
        }
        kills++;
        log.info("[kill {}/{}] {} of {} after {} ms up; {} of {} pushes acknowledged so far", kills, settings.kills(),
            settings.rolling() ? "SIGTERM" : "SIGKILL", victim.name(), upMillis, devices.stream().mapToInt(ResendingDevice::acknowledgedPushes).sum(),
            settings.devices() * settings.pushesPerDevice());
        restartWhenDownLongEnough(victim);
        Instant restarting = Instant.now();
        // Ready again means every part is: after a broker kill the roles must come back to it too.
        for (FleetpulseProcess process : deployment.processes()) {
          process.awaitReady(READY_LIMIT);
        }
        Duration ready = Duration.between(restarting, Instant.now());
        recoveries.add(ready);
        log.info("[kill {}/{}] {} restarted; ready after {} ms", kills, settings.kills(), victim.name(), ready.toMillis());
      }
      if (kills < settings.kills()) {
        failures.add("the devices finished after " + kills + " of " + settings.kills() + " kills: give them more pushes");
      }
      load.shutdown();
      if (!load.awaitTermination(10, TimeUnit.MINUTES)) {
        failures.add("devices did not get every push acknowledged within 10 minutes after the last kill");
      }
      devices.stream().filter(device -> device.refused() != null)
          .forEach(device -> failures.add(device.uuid() + ": " + device.refused()));
      reads.close();
      log.info("While processes died and came back, {}", reads.describe());
      failures.addAll(reads.wrongAnswers());
      failures.addAll(audit(deployment, devices));
    } finally {
      if (reads != null) {
        reads.close();
      }
      load.shutdownNow();
      for (FleetpulseProcess process : deployment.processes()) {
        process.stop();
      }
      if (broker != null) {
        broker.close();
      }
    }
    long entries = devices.stream().mapToLong(ResendingDevice::entries).sum();
    long resends = devices.stream().mapToLong(ResendingDevice::resends).sum();
    return new Report(settings.target(), recoveries.size(), recoveries, firstStart, entries, resends,
        Duration.between(begin, Instant.now()), reads.describe(), failures);
  }

  /** Starts {@code victim} again once it has been down for {@link Settings#down()}, on a timer. */
  private void restartWhenDownLongEnough(FleetpulseProcess victim) throws InterruptedException {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      timer.schedule(victim::start, settings.down().toMillis(), TimeUnit.MILLISECONDS).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not start " + victim.name() + " again", e.getCause());
    } finally {
      timer.shutdownNow();
    }
  }

  /**
   * Gives fleetpulse the state of {@code stateDevices} more devices before the kills (each one push of
   * engine kills: health, events, a CRASHLOOP alert), and waits until the streams have processed it, so a
   * restart has that much state to recover.
   */
  private void fillState(Deployment deployment) throws InterruptedException {
    Instant begin = Instant.now();
    long baseMillis = ResendingDevice.baseMillis();
    ExecutorService pushers = Executors.newFixedThreadPool(16);
    for (int i = 0; i < settings.stateDevices(); i++) {
      pushers.execute(new ResendingDevice(String.format("57a7%028x", i + 1L), 1, 5, baseMillis, deployment.collectorPorts(), Duration.ZERO));
    }
    pushers.shutdown();
    if (!pushers.awaitTermination(30, TimeUnit.MINUTES)) {
      throw new IllegalStateException("the state devices' pushes did not finish in 30 minutes");
    }
    log.info("{} state devices pushed in {} s; waiting for the streams to process them", settings.stateDevices(),
        Duration.between(begin, Instant.now()).toSeconds());
    ExactlyOnceAudit audit = new ExactlyOnceAudit(deployment.bootstrap(), deployment.apiPort());
    Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
    while (audit.streamsLag(APPLICATION_ID) != 0) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("the streams did not catch up with the state devices within 10 minutes");
      }
      Thread.sleep(1_000);
    }
    log.info("state of {} devices processed after {} s", settings.stateDevices(), Duration.between(begin, Instant.now()).toSeconds());
  }

  private Deployment deployment(EmbeddedKafkaBroker broker) {
    Path dir = settings.dataDir();
    List<String> partitions = List.of("kafka.partitions=3");
    int collectorPort = FleetpulseProcess.freePort();
    int apiPort = FleetpulseProcess.freePort();
    return switch (settings.target()) {
      case ALL_IN_ONE -> {
        int embeddedPort = FleetpulseProcess.freePort();
        FleetpulseProcess run = FleetpulseProcess.allInOne(dir, embeddedPort, collectorPort, apiPort, partitions);
        yield new Deployment(List.of(run), List.of(run), "127.0.0.1:" + embeddedPort, collectorPort, apiPort);
      }
      case COLLECTOR -> {
        FleetpulseProcess api = FleetpulseProcess.api("api", dir.resolve("api"), broker.bootstrapServers(), apiPort, partitions);
        FleetpulseProcess collector = FleetpulseProcess.collector("collector", dir.resolve("collector"), broker.bootstrapServers(),
            collectorPort, partitions);
        yield new Deployment(List.of(api, collector), List.of(collector), broker.bootstrapServers(), collectorPort, apiPort);
      }
      case API -> {
        List<String> standby = List.of("kafka.partitions=3", "streams.standbyReplicas=1");
        FleetpulseProcess collector = FleetpulseProcess.collector("collector", dir.resolve("collector"), broker.bootstrapServers(),
            collectorPort, partitions);
        FleetpulseProcess one = FleetpulseProcess.api("api-1", dir.resolve("api-1"), broker.bootstrapServers(), apiPort, standby);
        FleetpulseProcess two = FleetpulseProcess.api("api-2", dir.resolve("api-2"), broker.bootstrapServers(),
            FleetpulseProcess.freePort(), standby);
        yield new Deployment(List.of(collector, one, two), List.of(one, two), broker.bootstrapServers(), collectorPort, apiPort);
      }
      case BROKER -> {
        int kafkaPort = FleetpulseProcess.freePort();
        String bootstrap = "127.0.0.1:" + kafkaPort;
        FleetpulseProcess kafka = FleetpulseProcess.broker("broker", dir.resolve("broker"), kafkaPort, partitions);
        FleetpulseProcess api = FleetpulseProcess.api("api", dir.resolve("api"), bootstrap, apiPort, partitions);
        FleetpulseProcess collector = FleetpulseProcess.collector("collector", dir.resolve("collector"), bootstrap, collectorPort, partitions);
        yield new Deployment(List.of(kafka, api, collector), List.of(kafka), bootstrap, collectorPort, apiPort);
      }
      case CLUSTER -> cluster(collectorPort, apiPort);
    };
  }

  private Deployment cluster(int collectorPort, int apiPort) {
    Path dir = settings.dataDir();
    List<String> replicated = List.of("kafka.partitions=3", "kafka.replication=3", "streams.standbyReplicas=1");
    int[] kafkaPorts = {FleetpulseProcess.freePort(), FleetpulseProcess.freePort(), FleetpulseProcess.freePort()};
    String voters = "1@127.0.0.1:" + FleetpulseProcess.freePort() + ",2@127.0.0.1:" + FleetpulseProcess.freePort()
        + ",3@127.0.0.1:" + FleetpulseProcess.freePort();
    String clusterId = Uuid.randomUuid().toString();
    List<FleetpulseProcess> brokers = new ArrayList<>();
    for (int node = 1; node <= 3; node++) {
      brokers.add(FleetpulseProcess.clusterNode(dir.resolve("broker-" + node), node, kafkaPorts[node - 1], voters, clusterId, replicated));
    }
    String bootstrap = "127.0.0.1:" + kafkaPorts[0] + ",127.0.0.1:" + kafkaPorts[1] + ",127.0.0.1:" + kafkaPorts[2];
    int otherCollectorPort = FleetpulseProcess.freePort();
    List<FleetpulseProcess> roles = List.of(
        FleetpulseProcess.api("api-1", dir.resolve("api-1"), bootstrap, apiPort, replicated),
        FleetpulseProcess.api("api-2", dir.resolve("api-2"), bootstrap, FleetpulseProcess.freePort(), replicated),
        FleetpulseProcess.collector("collector-1", dir.resolve("collector-1"), bootstrap, collectorPort, replicated),
        FleetpulseProcess.collector("collector-2", dir.resolve("collector-2"), bootstrap, otherCollectorPort, replicated));
    List<FleetpulseProcess> everyone = new ArrayList<>(brokers);
    everyone.addAll(roles);
    return new Deployment(List.of(brokers, roles), everyone, bootstrap, new int[] {collectorPort, otherCollectorPort}, apiPort);
  }

  /**
   * Waits (bounded) for the pipeline to catch up with what was acknowledged, then counts. A count that is
   * still off when the wait ends is a failure: lost or doubled entries or events, repeated alert
   * transitions, or a partition still held up.
   */
  private List<String> audit(Deployment deployment, List<ResendingDevice> devices) throws InterruptedException {
    ExactlyOnceAudit audit = new ExactlyOnceAudit(deployment.bootstrap(), deployment.apiPort());
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    List<String> problems;
    do {
      problems = new ArrayList<>();
      try {
        Map<String, Map<Long, Integer>> journal = audit.journalEntries();
        for (ResendingDevice device : devices) {
          Map<Long, Integer> copies = journal.getOrDefault(device.uuid(), Map.of());
          long lost = device.entries() - copies.size();
          long doubled = copies.values().stream().mapToInt(count -> count - 1).sum();
          if (lost != 0 || doubled != 0) {
            problems.add(device.uuid() + ": " + lost + " acknowledged entries missing, " + doubled + " doubled on the journal topics");
          }
          int[] events = audit.events(device.uuid());
          if (events[0] != device.entries() || events[1] != events[0]) {
            problems.add(device.uuid() + ": " + events[0] + " UNIT_RESTART events (" + events[1] + " distinct) for "
                + device.entries() + " engine kills");
          }
        }
        Map<String, List<Alert>> alerts = audit.alerts(FLEET);
        problems.addAll(ExactlyOnceAudit.alertProblems(alerts));
        for (ResendingDevice device : devices) {
          long crashloops = alerts.values().stream().filter(records -> records.get(0).getKind() == AlertKind.CRASHLOOP
              && device.uuid().equals(records.get(0).getDeviceUuid())).count();
          if (crashloops != 1) {
            problems.add(device.uuid() + ": " + crashloops + " CRASHLOOP alert episodes, expected 1");
          }
        }
        for (PartitionOffsets partition : audit.heldUp(APPLICATION_ID)) {
          problems.add(partition.partition() + " held up: last stable offset " + partition.lastStable() + ", high watermark "
              + partition.highWatermark());
        }
      } catch (Exception e) {
        problems.add("audit could not count: " + e);
      }
      if (!problems.isEmpty() && Instant.now().isBefore(deadline)) {
        Thread.sleep(2_000);
      }
    } while (!problems.isEmpty() && Instant.now().isBefore(deadline));
    return problems;
  }
}
