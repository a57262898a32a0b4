package io.fleetpulse.bench.crash;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One fleetpulse command ({@code run}, {@code collector}, {@code api} or {@code broker}) in a child JVM of its own, so
 * that it can be killed like a real one: SIGKILL to the process, nothing flushed, nothing closed. Its
 * ports and data directory stay the same across restarts, as with a supervisor restarting the service
 * on the same machine.
 */
public final class FleetpulseProcess {

  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  /** How much of a child's log a failure to start quotes. */
  private static final int LOG_TAIL_LINES = 40;
  /** Children still running: killed when this JVM exits, so that an interrupted run leaves no fleetpulse behind. */
  private static final Set<Process> running = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(Process::destroyForcibly), "fleetpulse-children"));
  }

  private final String name;
  private final String command;
  private final Path log;
  private final List<String> settings;
  private final List<String> arguments = new ArrayList<>();
  private final int readyPort;
  private final ReadyProbe ready;
  private List<String> jvmOptions = List.of("-Xmx768m");
  private Process process;
  private int starts;

  /** Null when the process serves; otherwise what it answered instead (a failure to reach it is thrown). */
  private interface ReadyProbe {
    String notReadyBecause() throws Exception;
  }

  private FleetpulseProcess(String name, String command, Path dataDir, List<String> settings, int readyPort, ReadyProbe ready) {
    this.name = name;
    this.command = command;
    this.log = dataDir.resolve(name + ".log");
    this.settings = new ArrayList<>(settings);
    this.settings.add("dataDir=" + dataDir);
    this.readyPort = readyPort;
    this.ready = ready;
  }

  /** Ready when {@code path} on {@code port} answers 200; otherwise its status and body say why not. */
  private static ReadyProbe http(int port, String path) {
    return () -> {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return answer.statusCode() == 200 ? null : path + " answered " + answer.statusCode() + " " + answer.body();
    };
  }

  /**
   * Serving when /readyz answers 200, or DEGRADED only because the streams are behind ("processing"): a crash run
   * times how long a restart takes to serve again; the backlog the load left is the audit's to wait out (it fails
   * the run when the pipeline has not caught up in time). A stalled partition still counts as not ready.
   */
  private static ReadyProbe serving(int port) {
    return () -> {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() == 200) {
        return null;
      }
      JsonObject body = new JsonObject(answer.body());
      boolean onlyBehind = "DEGRADED".equals(body.getString("status"))
          && body.getJsonObject("problems", new JsonObject()).fieldNames().equals(Set.of("processing"));
      return onlyBehind ? null : "/readyz answered " + answer.statusCode() + " " + answer.body();
    };
  }

  /** Ready when the broker on {@code port} describes its cluster. */
  private static ReadyProbe kafka(int port) {
    return () -> {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000))) {
        return admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty() ? "the cluster has no nodes yet" : null;
      }
    };
  }

  /** {@code fleetpulse run}: its own embedded broker, collector and api; ready when /readyz says READY. */
  public static FleetpulseProcess allInOne(Path dataDir, int embeddedPort, int collectorPort, int apiPort, List<String> extra) {
    List<String> settings = new ArrayList<>(List.of("embedded.port=" + embeddedPort, "embedded.controllerPort=" + freePort(),
        "collector.port=" + collectorPort, "api.port=" + apiPort));
    settings.addAll(extra);
    return new FleetpulseProcess("fleetpulse-run", "run", dataDir, settings, apiPort, serving(apiPort));
  }

  /** {@code fleetpulse collector} against {@code bootstrap}; ready when its ops port answers /healthz. */
  public static FleetpulseProcess collector(String name, Path dataDir, String bootstrap, int collectorPort, List<String> extra) {
    int opsPort = freePort();
    List<String> settings = new ArrayList<>(List.of("kafka.bootstrap=" + bootstrap, "collector.port=" + collectorPort,
        "collector.opsPort=" + opsPort));
    settings.addAll(extra);
    return new FleetpulseProcess(name, "collector", dataDir, settings, opsPort, http(opsPort, "/healthz"));
  }

  /** {@code fleetpulse api} against {@code bootstrap}; ready when /readyz says READY. */
  static FleetpulseProcess api(String name, Path dataDir, String bootstrap, int apiPort, List<String> extra) {
    List<String> settings = new ArrayList<>(List.of("kafka.bootstrap=" + bootstrap, "api.port=" + apiPort));
    settings.addAll(extra);
    return new FleetpulseProcess(name, "api", dataDir, settings, apiPort, serving(apiPort));
  }

  /** {@code fleetpulse broker} on {@code port} (its topics created); ready when it describes its cluster. */
  static FleetpulseProcess broker(String name, Path dataDir, int port, List<String> extra) {
    List<String> settings = new ArrayList<>(List.of("embedded.port=" + port, "embedded.controllerPort=" + freePort()));
    settings.addAll(extra);
    return new FleetpulseProcess(name, "broker", dataDir, settings, port, kafka(port));
  }

  /**
   * {@code fleetpulse broker} as node {@code nodeId} of the cluster {@code voters} (KRaft voters, {@code id@host:port}),
   * its broker on {@code port}; ready when it describes its cluster, which needs a majority of the voters running.
   */
  static FleetpulseProcess clusterNode(Path dataDir, int nodeId, int port, String voters, String clusterId, List<String> extra) {
    List<String> settings = new ArrayList<>(List.of("embedded.port=" + port));
    settings.addAll(extra);
    FleetpulseProcess node = new FleetpulseProcess("broker-" + nodeId, "broker", dataDir, settings, port, kafka(port));
    node.arguments.addAll(List.of("--node-id", Integer.toString(nodeId), "--voters", voters, "--cluster-id", clusterId));
    return node;
  }

  /** The process id, while it runs (for reading its memory from /proc). */
  public long pid() {
    return process.pid();
  }

  /** The port its readiness path answers on (the ops port of a collector: /metrics is there too). */
  public int readyPort() {
    return readyPort;
  }

  String name() {
    return name;
  }

  /** Whether it serves the REST API (an api instance, or the all-in-one), on {@link #readyPort()}. */
  boolean servesApi() {
    return command.equals("api") || command.equals("run");
  }

  public Path log() {
    return log;
  }

  /** The JVM's options from the next start on ({@code -Xmx768m} unless set). */
  public FleetpulseProcess jvmOptions(List<String> options) {
    this.jvmOptions = List.copyOf(options);
    return this;
  }

  /** Starts the process (appending to its log) and returns at once. */
  public void start() {
    List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    line.addAll(jvmOptions);
    line.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.fleetpulse.launcher.FleetpulseCli", command));
    settings.forEach(setting -> line.addAll(List.of("--set", setting)));
    line.addAll(arguments);
    try {
      java.nio.file.Files.createDirectories(log.getParent());
      process = new ProcessBuilder(line).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      running.add(process);
      process.onExit().thenAccept(running::remove);
      starts++;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start fleetpulse " + command + ": " + e.getMessage(), e);
    }
  }

  /**
   * How long until the process answered 200 on its readiness path, or a failure once {@code limit} passed saying
   * what it last answered instead and ending with the last lines of its log (CI keeps only the test's output).
   */
  public Duration awaitReady(Duration limit) throws InterruptedException {
    Instant begin = Instant.now();
    String lastAnswer = "nothing (not reachable)";
    while (Duration.between(begin, Instant.now()).compareTo(limit) < 0) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " during start " + starts + "; see " + log
            + logTail());
      }
      try {
        String notReady = ready.notReadyBecause();
        if (notReady == null) {
          return Duration.between(begin, Instant.now());
        }
        lastAnswer = notReady;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception notYet) {
        lastAnswer = "nothing (" + notYet + ")";
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " was not ready within " + limit.toSeconds() + " s of start " + starts
        + "; it last answered " + lastAnswer + "; see " + log + logTail());
  }

  private String logTail() {
    try {
      List<String> lines = java.nio.file.Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1);
      return "\n--- last lines of " + log.getFileName() + " ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return " (its log cannot be read: " + e.getMessage() + ")";
    }
  }

  /** The exit code once the process has ended within {@code wait}, or null if it still runs. */
  public Integer exitCode(Duration wait) throws InterruptedException {
    return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  /** SIGKILL, as {@code kill -9}: the JVM gets no chance to flush or close anything. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, as a service manager stops it: the roles close in order. */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free local port", e);
    }
  }
}
