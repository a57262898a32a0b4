package io.fleetpulse.launcher.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetpulse.kafka.JournalFixtures;
import io.fleetpulse.launcher.allinone.AllInOne;
import io.fleetpulse.launcher.config.ConfigLoader;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring artefacts against the real thing: every metric the Prometheus rules and Grafana dashboards
 * use exists in a /metrics scrape of a running fleetpulse, every REST route a dashboard calls is in its
 * /openapi.yaml, and promtool and amtool accept the configuration, rules and rule unit tests.
 *
 * <p>Rules and dashboards are found by listing their folders, so a rule or dashboard added later is
 * checked without touching this test.
 */
class MonitoringArtefactsTest {

  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  private static final Path AMTOOL = Path.of("/usr/bin/amtool");
  /** Series Prometheus makes itself for every target or rule, not scraped from fleetpulse. */
  private static final Set<String> SYNTHESISED_BY_PROMETHEUS = Set.of("up", "ALERTS", "ALERTS_FOR_STATE");

  private static final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper json = new ObjectMapper();
  private static final HttpClient http = HttpClient.newHttpClient();
  private static Set<String> scrapedNames;
  private static Set<String> openApiPaths;

  @BeforeAll
  static void scrapeARunningFleetpulse(@TempDir Path dataDir) throws Exception {
    // A notifier route makes the notifier's counters exist; it never fires (no alerts in this run).
    Path config = dataDir.resolve("fleetpulse.yaml");
    Files.writeString(config, """
        notifications:
          routes:
            - name: scrape-test
              type: alertmanager
              url: http://127.0.0.1:9/api/v2/alerts
        """);
    FleetpulseConfig settings = new ConfigLoader().load(config, Map.of(), List.of("dataDir=" + dataDir.resolve("data"),
        "embedded.port=0", "embedded.controllerPort=0", "collector.port=0", "api.port=0", "kafka.partitions=2"));
    try (AllInOne fleetpulse = new AllInOne(settings).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> get(fleetpulse.apiPort(), "/readyz").statusCode() == 200);
      HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + fleetpulse.collectorPort() + "/devices/5c7a1e0000000000000000000000cafe/entries"))
          .header("Content-Type", "application/x-ndjson")
          .POST(HttpRequest.BodyPublishers.ofString(JournalFixtures.masterclass("00-s2_1-L174.ndjson"))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(pushed.statusCode()).isEqualTo(202);
      scrapedNames = get(fleetpulse.apiPort(), "/metrics").body().lines()
          .filter(line -> !line.startsWith("#") && !line.isBlank())
          .map(line -> line.split("[{ ]", 2)[0])
          .collect(Collectors.toCollection(TreeSet::new));
      openApiPaths = new TreeSet<>();
      yaml.readTree(get(fleetpulse.apiPort(), "/openapi.yaml").body()).get("paths").fieldNames()
          .forEachRemaining(path -> openApiPaths.add(path.replaceAll("\\{[^}]*}", "{}")));
    }
  }

  @Test
  void everyMetricTheRulesAndDashboardsUseExistsInARealScrape() throws IOException {
    Map<String, String> queries = new TreeMap<>(ruleQueries());
    queries.putAll(dashboardQueries());
    Set<String> recorded = recordedNames();
    assertThat(queries).as("no rules or dashboards found").isNotEmpty();

    List<String> missing = new ArrayList<>();
    queries.forEach((where, query) -> PromQlMetricNames.of(query).stream()
        .filter(name -> !scrapedNames.contains(name) && !recorded.contains(name) && !SYNTHESISED_BY_PROMETHEUS.contains(name))
        .forEach(name -> missing.add(name + " (" + where + ")")));
    assertThat(missing).as("metrics used but not in a /metrics scrape of fleetpulse").isEmpty();
  }

  @Test
  void everyRestCallOfADashboardIsARouteOfTheApi() throws IOException {
    List<String> urls = new ArrayList<>();
    for (Path dashboard : RepositoryFiles.list(RepositoryFiles.DASHBOARDS_DIR, ".json")) {
      json.readTree(dashboard.toFile()).findValues("url").forEach(url -> urls.add(url.asText()));
    }
    assertThat(urls).as("the device drill-down calls the REST API").isNotEmpty();
    for (String url : urls) {
      String path = URI.create(url.replaceAll("\\$\\{[^}]*}", "VAR")).getPath().replace("VAR", "{}");
      assertThat(openApiPaths).as("dashboard URL %s", url).contains(path);
    }
  }

  @Test
  void dashboardsUseOnlyProvisionedDataSources() throws IOException {
    Set<String> provisioned = new TreeSet<>();
    yaml.readTree(RepositoryFiles.COMPOSE_DIR.resolve("grafana/provisioning/datasources/datasources.yaml").toFile())
        .get("datasources").forEach(source -> provisioned.add(source.get("uid").asText()));
    for (Path dashboard : RepositoryFiles.list(RepositoryFiles.DASHBOARDS_DIR, ".json")) {
      JsonNode tree = json.readTree(dashboard.toFile());
      assertThat(tree.get("uid").asText()).as("uid of %s", dashboard).isNotBlank();
      tree.findValues("datasource").forEach(source ->
          assertThat(provisioned).as("data source of %s", dashboard.getFileName()).contains(source.get("uid").asText()));
    }
  }

  @Test
  void promtoolAcceptsTheRulesAndTheirUnitTests(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(PROMTOOL), "promtool is not installed (scripts/test.sh installs the prometheus package as root)");
    for (Path rules : RepositoryFiles.list(RepositoryFiles.RULES_DIR, ".yml")) {
      assertThat(run(PROMTOOL.toString(), "check", "rules", rules.toString())).as("promtool check rules %s", rules).startsWith("0:");
      Files.copy(rules, dir.resolve(rules.getFileName()));
    }
    Path unitTests = dir.resolve("fleetpulse-rules-test.yml");
    try (var in = MonitoringArtefactsTest.class.getResourceAsStream("/prometheus/fleetpulse-rules-test.yml")) {
      Files.copy(in, unitTests);
    }
    assertThat(run(PROMTOOL.toString(), "test", "rules", unitTests.toString())).startsWith("0:");
  }

  /** The compose Prometheus configuration, with its rule files found where compose mounts them from. */
  @Test
  void promtoolAcceptsThePrometheusConfigurationWithTheRulesComposeMounts(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(PROMTOOL), "promtool is not installed (scripts/test.sh installs the prometheus package as root)");
    ComposeFile compose = new ComposeFile(RepositoryFiles.COMPOSE_FILE);
    Path hostConfig = compose.hostPath("prometheus", "/etc/prometheus/prometheus.yml").orElseThrow();
    JsonNode config = yaml.readTree(hostConfig.toFile());
    String rulesGlob = config.get("rule_files").get(0).asText();
    Path rulesDir = dir.resolve("rules");
    Files.createDirectories(rulesDir);
    for (ComposeFile.Mount mount : compose.bindMounts("prometheus")) {
      if (mount.target().startsWith(rulesGlob.substring(0, rulesGlob.lastIndexOf('/') + 1))) {
        Files.copy(mount.source(), rulesDir.resolve(Path.of(mount.target()).getFileName()));
      }
    }
    assertThat(RepositoryFiles.list(rulesDir, ".yml")).as("rule files compose mounts into %s", rulesGlob).isNotEmpty();
    Path localConfig = dir.resolve("prometheus.yml");
    Files.writeString(localConfig, RepositoryFiles.read(hostConfig).replace(rulesGlob, rulesDir + "/*.yml"));

    String verdict = run(PROMTOOL.toString(), "check", "config", localConfig.toString());
    assertThat(verdict).startsWith("0:").contains("rules found").doesNotContain("FAILED");
  }

  @Test
  void amtoolAcceptsTheAlertmanagerConfiguration() throws Exception {
    assumeTrue(Files.isExecutable(AMTOOL), "amtool is not installed (scripts/test.sh installs prometheus-alertmanager as root)");
    Path config = new ComposeFile(RepositoryFiles.COMPOSE_FILE).hostPath("alertmanager", "/etc/alertmanager/alertmanager.yml").orElseThrow();
    String verdict = run(AMTOOL.toString(), "check-config", config.toString());
    assertThat(verdict).startsWith("0:").contains("SUCCESS").contains("1 receivers");
  }

  private static Map<String, String> ruleQueries() throws IOException {
    Map<String, String> queries = new TreeMap<>();
    for (Path file : RepositoryFiles.list(RepositoryFiles.RULES_DIR, ".yml")) {
      for (JsonNode group : yaml.readTree(file.toFile()).get("groups")) {
        for (JsonNode rule : group.get("rules")) {
          String name = rule.has("record") ? rule.get("record").asText() : rule.get("alert").asText();
          queries.put(file.getFileName() + " " + name, rule.get("expr").asText());
        }
      }
    }
    return queries;
  }

  private static Set<String> recordedNames() throws IOException {
    Set<String> names = new TreeSet<>();
    for (Path file : RepositoryFiles.list(RepositoryFiles.RULES_DIR, ".yml")) {
      yaml.readTree(file.toFile()).findValues("record").forEach(name -> names.add(name.asText()));
    }
    return names;
  }

  private static Map<String, String> dashboardQueries() throws IOException {
    Map<String, String> queries = new TreeMap<>();
    for (Path file : RepositoryFiles.list(RepositoryFiles.DASHBOARDS_DIR, ".json")) {
      JsonNode dashboard = json.readTree(file.toFile());
      int index = 0;
      for (JsonNode expr : dashboard.findValues("expr")) {
        queries.put(file.getFileName() + " query " + index++, expr.asText());
      }
      for (JsonNode variable : dashboard.get("templating").get("list")) {
        if (variable.path("datasource").path("type").asText().equals("prometheus")) {
          queries.put(file.getFileName() + " variable " + variable.get("name").asText(), variable.get("definition").asText());
        }
      }
    }
    return queries;
  }

  /** Runs a tool; returns "exit code: output". */
  private static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return process.waitFor() + ": " + output;
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
