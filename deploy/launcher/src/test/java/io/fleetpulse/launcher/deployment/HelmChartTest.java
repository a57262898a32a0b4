package io.fleetpulse.launcher.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fleetpulse.collector.inventory.DeviceInventory;
import io.fleetpulse.collector.inventory.InventoryParser;
import io.fleetpulse.launcher.config.ConfigLoader;
import io.fleetpulse.launcher.config.FleetpulseConfig;
import io.fleetpulse.launcher.role.ApiRole;
import io.fleetpulse.launcher.role.CollectorRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import io.fleetpulse.streams.rules.RulesFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Helm chart through helm itself (helm-java): lint, and the objects rendered with default and production values. */
class HelmChartTest {

  private static final Path PRODUCTION_VALUES = RepositoryFiles.CHART.resolve("ci/production-values.yaml");
  private static final ObjectMapper yaml = new YAMLMapper();

  @Test
  void lintPasses() {
    LintResult lint = new Helm(RepositoryFiles.CHART).lint().strict().call();
    assertThat(lint.isFailed()).as("helm lint: %s", lint.getMessages()).isFalse();
  }

  @Test
  void defaultValuesRenderTheRolesWithSafeDefaults() throws IOException {
    Rendered chart = render(template -> template);

    assertThat(chart.kinds()).containsExactlyInAnyOrder("ConfigMap", "Secret", "Deployment", "StatefulSet",
        "Service", "Service", "Service", "PodDisruptionBudget", "PodDisruptionBudget");
    JsonNode collector = chart.one("Deployment", "fp-fleetpulse-collector");
    assertThat(container(collector).get("args").toString()).isEqualTo("[\"collector\"]");
    assertThat(container(collector).at("/readinessProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertSecuredPod(collector);

    JsonNode api = chart.one("StatefulSet", "fp-fleetpulse-api");
    assertThat(api.at("/spec/serviceName").asText()).isEqualTo("fp-fleetpulse-api-headless");
    assertThat(api.at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage").asText()).isEqualTo("10Gi");
    assertThat(container(api).at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
    assertThat(container(api).at("/readinessProbe/failureThreshold").asInt()).as("rebalances are tolerated").isGreaterThanOrEqualTo(6);
    assertThat(env(container(api)).get("FLEETPULSE_API_ADVERTISED_HOST"))
        .isEqualTo("$(POD_NAME).fp-fleetpulse-api-headless.fleet.svc.cluster.local");
    assertSecuredPod(api);
    assertThat(chart.one("Service", "fp-fleetpulse-api-headless").at("/spec/clusterIP").asText()).isEqualTo("None");
    assertThat(chart.kinds()).doesNotContain("ServiceMonitor", "PrometheusRule");
  }

  @Test
  void productionValuesAddMonitoringAndAConfigurationTheRolesAccept() throws IOException {
    Rendered chart = render(template -> template.withValuesFile(PRODUCTION_VALUES));

    assertThat(chart.kinds()).contains("ServiceMonitor", "PrometheusRule");
    JsonNode api = chart.one("StatefulSet", "fp-fleetpulse-api");
    assertThat(api.at("/spec/replicas").asInt()).isEqualTo(4);
    assertThat(container(api).get("image").asText()).isEqualTo("registry.example.com/fleetpulse/api:0.1.0");
    assertThat(container(api).at("/envFrom/1/secretRef/name").asText()).isEqualTo("fleetpulse-notifier-secrets");

    // The same rules as compose, and every ServiceMonitor adds the `component` label they select on.
    JsonNode rules = chart.one("PrometheusRule", "fp-fleetpulse");
    JsonNode rulesFile = yaml.readTree(RepositoryFiles.RULES_DIR.resolve("fleetpulse-rules.yml").toFile());
    assertThat(rules.at("/spec/groups")).isEqualTo(rulesFile.get("groups"));
    for (String component : List.of("collector", "api")) {
      JsonNode monitor = chart.one("ServiceMonitor", "fp-fleetpulse-" + component);
      assertThat(monitor.at("/spec/endpoints/0/relabelings/0/replacement").asText()).isEqualTo(component);
      assertThat(monitor.at("/spec/endpoints/0/authorization/credentials/name").asText()).isEqualTo("fleetpulse-metrics-token");
    }

    // What the pods will read: the ConfigMap's environment and the Secret's file, loaded by the real loader.
    Map<String, String> podEnv = new HashMap<>();
    chart.one("ConfigMap", "fp-fleetpulse-env").get("data").fields().forEachRemaining(entry -> podEnv.put(entry.getKey(), entry.getValue().asText()));
    podEnv.put("FLEETPULSE_API_ADVERTISED_HOST", "fp-fleetpulse-api-0.fp-fleetpulse-api-headless.fleet.svc.cluster.local");
    podEnv.put("SLACK_WEBHOOK_URL", "https://hooks.slack.example/T000/B000/XXXX");
    Path configFile = Files.createTempFile("fleetpulse", ".yaml");
    try {
      Files.writeString(configFile, chart.one("Secret", "fp-fleetpulse-config").at("/stringData/fleetpulse.yaml").asText());
      FleetpulseConfig config = new ConfigLoader().load(configFile, podEnv, List.of());
      assertThat(config.kafka().partitions()).isEqualTo(24);
      assertThat(config.api().tokens()).hasSize(2);
      assertThat(config.streams().standbyReplicas()).isEqualTo(1);
      assertThat(config.notifications().routes()).hasSize(2);
      new CollectorRole(config);
      new ApiRole(config, podEnv);
    } finally {
      Files.delete(configFile);
    }
  }

  @Test
  void anSshCollectorTailsTheInventoryAndPushCollectorsCheckDeviceCertificates(@TempDir Path dir) throws Exception {
    Path values = dir.resolve("ssh.yaml");
    Files.writeString(values, """
        kafka: {bootstrap: "kafka:9092"}
        collector:
          tls: {secret: collector-tls, clientCaSecret: device-ca}
          deviceTokensSecret: device-tokens
        sshCollector:
          enabled: true
          keysSecret: fleet-ssh-keys
          knownHosts: "[ssh.balena-devices.com]:22 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
          inventory:
            defaults: {fleet: harbor, identityFile: /etc/fleetpulse/ssh-keys/id_fleet}
            proxies:
              balena: {host: ssh.balena-devices.com, port: 22, user: support, identityFile: /etc/fleetpulse/ssh-keys/id_balena,
                       command: "host -s {uuid} '{command}'"}
            devices:
              - {uuid: 0a1b2c3d4e5f60718293a4b5c6d7e8f9, host: 10.0.4.17}
              - {uuid: 1b2c3d4e5f60718293a4b5c6d7e8f90a, proxy: balena}
        monitoring:
          serviceMonitor: {enabled: true}
        """);
    Rendered chart = render(template -> template.withValuesFile(values));

    JsonNode ssh = chart.one("StatefulSet", "fp-fleetpulse-ssh-collector");
    assertThat(ssh.at("/spec/replicas").asInt()).as("one tailer per transactional id").isEqualTo(1);
    assertSecuredPod(ssh);
    Map<String, String> sshEnv = env(container(ssh));
    assertThat(sshEnv).containsEntry("FLEETPULSE_COLLECTOR_PUSH", "false")
        .containsEntry("FLEETPULSE_COLLECTOR_SSH_KNOWN_HOSTS", "/etc/fleetpulse/ssh/known_hosts")
        .containsEntry("FLEETPULSE_COLLECTOR_SSH_HOST_KEY_POLICY", "strict");
    assertThat(ssh.at("/spec/template/spec/volumes").findValuesAsText("secretName")).contains("fleet-ssh-keys");
    assertThat(chart.one("ServiceMonitor", "fp-fleetpulse-ssh-collector").at("/spec/endpoints/0/port").asText()).isEqualTo("ops");

    // The inventory as the real parser reads it, and the pod's configuration as the real loader and role accept it.
    JsonNode files = chart.one("ConfigMap", "fp-fleetpulse-ssh-collector").get("data");
    Path inventory = Files.writeString(dir.resolve("inventory.yaml"), files.get("inventory.yaml").asText());
    DeviceInventory devices = new InventoryParser().parse(inventory);
    assertThat(devices.devices()).hasSize(2);
    assertThat(files.get("known_hosts").asText()).startsWith("[ssh.balena-devices.com]:22 ssh-ed25519");
    sshEnv.put("FLEETPULSE_COLLECTOR_SSH_INVENTORY", inventory.toString());
    new CollectorRole(new ConfigLoader().load(null, podEnv(chart, sshEnv), List.of()));

    JsonNode push = chart.one("Deployment", "fp-fleetpulse-collector");
    Map<String, String> pushEnv = env(container(push));
    assertThat(pushEnv).containsEntry("FLEETPULSE_COLLECTOR_TLS_CLIENT_CA_FILE", "/etc/fleetpulse/client-ca/ca.crt")
        .containsEntry("FLEETPULSE_COLLECTOR_DEVICE_TOKENS_FILE", "/etc/fleetpulse/device-tokens/device-tokens");
    assertThat(push.at("/spec/template/spec/volumes").findValuesAsText("secretName"))
        .containsExactlyInAnyOrder("collector-tls", "device-ca", "device-tokens");
    assertThat(new ConfigLoader().load(null, podEnv(chart, pushEnv), List.of()).collector().tls().mutual())
        .as("mTLS is what lets the push collector listen beyond loopback").isTrue();
    new CollectorRole(new ConfigLoader().load(null, podEnv(chart, pushEnv), List.of()));
  }

  @Test
  void usersRulesAreMountedAsADirectoryTheApiPodsWatch(@TempDir Path dir) throws Exception {
    Path values = dir.resolve("rules.yaml");
    Files.writeString(values, "kafka: {bootstrap: \"kafka:9092\"}\napi:\n  rules: |\n"
        + Files.readString(RepositoryFiles.ROOT.resolve("docs/rules-example.yaml")).lines().map(line -> "    " + line).collect(Collectors.joining("\n")) + "\n");
    Rendered chart = render(template -> template.withValuesFile(values));

    String rules = chart.one("ConfigMap", "fp-fleetpulse-rules").at("/data/rules.yaml").asText();
    assertThat(RulesFile.parse(rules).rules()).as("the example, as the streams read it").isNotEmpty();
    JsonNode api = chart.one("StatefulSet", "fp-fleetpulse-api");
    assertThat(env(container(api))).containsEntry("FLEETPULSE_STREAMS_RULES", "/etc/fleetpulse-rules/rules.yaml");
    assertThat(container(api).get("volumeMounts").findValuesAsText("mountPath")).contains("/etc/fleetpulse-rules");
    assertThat(api.at("/spec/template/spec/volumes").findValues("configMap")).extracting(node -> node.get("name").asText())
        .contains("fp-fleetpulse-rules");

    Path own = dir.resolve("own.yaml");
    Files.writeString(own, "kafka: {bootstrap: \"kafka:9092\"}\napi: {existingRulesConfigMap: team-rules}\n");
    Rendered withOwn = render(template -> template.withValuesFile(own));
    assertThat(withOwn.one("StatefulSet", "fp-fleetpulse-api").at("/spec/template/spec/volumes").findValues("configMap"))
        .extracting(node -> node.get("name").asText()).containsExactly("team-rules");
  }

  @Test
  void anSshCollectorWithoutKnownHostsIsRefusedUnlessItTrustsOnFirstUse(@TempDir Path dir) throws IOException {
    Path strict = dir.resolve("strict.yaml");
    Files.writeString(strict, "sshCollector: {enabled: true}\n");
    assertThatThrownBy(() -> render(template -> template.withValuesFile(strict))).hasMessageContaining("sshCollector.knownHosts");

    Path tofu = dir.resolve("tofu.yaml");
    Files.writeString(tofu, "sshCollector: {enabled: true, hostKeyPolicy: trust-on-first-use}\n");
    JsonNode ssh = render(template -> template.withValuesFile(tofu)).one("StatefulSet", "fp-fleetpulse-ssh-collector");
    assertThat(env(container(ssh))).containsEntry("FLEETPULSE_COLLECTOR_SSH_KNOWN_HOSTS", "/var/lib/fleetpulse/known_hosts");
    assertThat(ssh.at("/spec/template/spec/initContainers/0/command/2").asText())
        .as("learned keys survive restarts on the volume; the seed list is copied once").contains("cp -n");
  }

  /** A pod's environment: the shared ConfigMap overlaid by the container's own variables. */
  private static Map<String, String> podEnv(Rendered chart, Map<String, String> containerEnv) {
    Map<String, String> env = new HashMap<>();
    chart.one("ConfigMap", "fp-fleetpulse-env").get("data").fields().forEachRemaining(entry -> env.put(entry.getKey(), entry.getValue().asText()));
    env.putAll(containerEnv);
    return env;
  }

  @Test
  void theSchemaRefusesValuesThatCannotWork(@TempDir Path dir) throws IOException {
    Path badToken = dir.resolve("bad.yaml");
    Files.writeString(badToken, """
        api:
          tokens:
            - {name: alice, role: owner, sha256: abc}
        """);
    assertThatThrownBy(() -> render(template -> template.withValuesFile(badToken)))
        .hasMessageContaining("role").hasMessageContaining("sha256");
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, "kafak:\n  bootstrap: kafka:9092\n");
    assertThatThrownBy(() -> render(template -> template.withValuesFile(typo))).hasMessageContaining("kafak");
  }

  private static void assertSecuredPod(JsonNode workload) {
    JsonNode pod = workload.at("/spec/template/spec");
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(10001);
    assertThat(pod.at("/automountServiceAccountToken").asBoolean(true)).isFalse();
    JsonNode container = container(workload);
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(container.at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
    assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
    List<String> mounts = new ArrayList<>();
    container.get("volumeMounts").forEach(mount -> mounts.add(mount.get("mountPath").asText()));
    assertThat(mounts).as("writable paths on a read-only root").contains("/tmp", "/var/lib/fleetpulse");
  }

  private static JsonNode container(JsonNode workload) {
    return workload.at("/spec/template/spec/containers/0");
  }

  private static Map<String, String> env(JsonNode container) {
    Map<String, String> env = new HashMap<>();
    container.get("env").forEach(variable -> env.put(variable.get("name").asText(), variable.path("value").asText()));
    return env;
  }

  private static Rendered render(UnaryOperator<TemplateCommand> values) throws IOException {
    String manifest = values.apply(new Helm(RepositoryFiles.CHART).template().withName("fp").withNamespace("fleet")).call();
    List<JsonNode> objects = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(manifest)) {
      yaml.readValues(parser, JsonNode.class).forEachRemaining(node -> {
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          objects.add(node);
        }
      });
    }
    return new Rendered(objects);
  }

  /** The objects a template run produced. */
  private record Rendered(List<JsonNode> objects) {

    List<String> kinds() {
      return objects.stream().map(object -> object.get("kind").asText()).toList();
    }

    JsonNode one(String kind, String name) {
      List<JsonNode> found = objects.stream()
          .filter(object -> object.get("kind").asText().equals(kind) && object.at("/metadata/name").asText().equals(name))
          .toList();
      assertThat(found).as("%s %s among %s", kind, name, kinds()).hasSize(1);
      return found.get(0);
    }
  }
}
