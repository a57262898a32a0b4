package io.fleetpulse.launcher.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetpulse.api.auth.ApiToken;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The compose stack and the images, checked statically (no Docker engine here): every file it mounts
 * exists, every image is pinned, every fleetpulse service's configuration is accepted by the real
 * configuration loader and roles, and the api instances advertise the names they are reachable at.
 */
class ComposeStackTest {

  private final ComposeFile compose = new ComposeFile(RepositoryFiles.COMPOSE_FILE);
  private final DockerfileStages dockerfile = new DockerfileStages(RepositoryFiles.DOCKERFILE);

  @Test
  void everyFileTheStackMountsExists() {
    compose.services().keySet().forEach(service -> compose.bindMounts(service).forEach(mount ->
        assertThat(mount.source()).as("%s mounts %s at %s", service, mount.source(), mount.target()).exists()));
  }

  /** Prometheus targets, Alertmanager webhooks, notifier routes, Grafana data sources: each names a service of the stack. */
  @Test
  void everyAddressInTheMountedConfigurationIsAServiceOfTheStack() throws IOException {
    Pattern address = Pattern.compile("(?:https?://|[\"'])([a-z][a-z0-9-]*):(\\d+)");
    List<String> found = new ArrayList<>();
    for (String service : compose.services().keySet()) {
      for (ComposeFile.Mount mount : compose.bindMounts(service)) {
        try (Stream<Path> files = Files.walk(mount.source())) {
          for (Path file : files.filter(Files::isRegularFile).toList()) {
            Matcher matcher = address.matcher(RepositoryFiles.read(file));
            while (matcher.find()) {
              found.add(matcher.group(1));
              if (!matcher.group(1).equals("localhost")) {
                assertThat(compose.services()).as("%s in %s", matcher.group(), file.getFileName()).containsKey(matcher.group(1));
              }
            }
          }
        }
      }
    }
    assertThat(found).as("addresses in the mounted configuration").contains("collector", "api-0", "api-1", "alertmanager", "webhook", "prometheus");
  }

  @Test
  void everyImageIsPinnedAndEveryPortIsPublishedOnLoopbackOnly() {
    compose.services().forEach((name, service) -> {
      String image = String.valueOf(service.get("image"));
      assertThat(image).as("image of %s", name).contains(":").doesNotEndWith(":latest");
      for (Object port : ComposeFile.list(service, "ports")) {
        assertThat(String.valueOf(port)).as("port of %s", name).startsWith("127.0.0.1:");
      }
      for (Object dependency : ComposeFile.list(service, "depends_on")) {
        assertThat(compose.services()).as("%s depends on", name).containsKey(String.valueOf(dependency));
      }
    });
  }

  @Test
  void theImagesRunAsANonRootUserWithAHealthCheckPerRole() {
    for (String role : List.of("collector", "api")) {
      assertThat(dockerfile.last(role, "USER")).as("USER of %s", role).isEqualTo("10001:10001");
      assertThat(dockerfile.last(role, "HEALTHCHECK")).as("HEALTHCHECK of %s", role).contains("/healthz");
      assertThat(dockerfile.last(role, "CMD")).isEqualTo("[\"" + role + "\"]");
    }
    assertThat(dockerfile.last("collector", "HEALTHCHECK")).contains("FLEETPULSE_COLLECTOR_OPS_PORT:-19533");
    assertThat(dockerfile.last("api", "HEALTHCHECK")).contains("FLEETPULSE_API_PORT:-8080");
  }

  @Test
  void theCollectorAndBothApiInstancesStartWithTheConfigurationTheStackGivesThem() {
    Map<String, String> grafanaEnv = ComposeFile.environment(compose.service("grafana"));
    for (String name : List.of("collector", "api-0", "api-1")) {
      Map<String, Object> service = compose.service(name);
      @SuppressWarnings("unchecked")
      String target = String.valueOf(((Map<String, Object>) service.get("build")).get("target"));
      Map<String, String> env = new HashMap<>(dockerfile.environment(target));
      env.putAll(ComposeFile.environment(service));
      List<Object> command = ComposeFile.list(service, "command");
      Path configFile = command.contains("--config")
          ? compose.hostPath(name, String.valueOf(command.get(command.indexOf("--config") + 1))).orElseThrow()
          : null;

      FleetpulseConfig config = new ConfigLoader().load(configFile, env, List.of());
      assertThat(config.kafka().bootstrap()).isEqualTo("kafka:9092");
      if (target.equals("collector")) {
        new CollectorRole(config);
        assertThat(config.collector().host()).isEqualTo("0.0.0.0");
      } else {
        new ApiRole(config, env);
        assertThat(config.api().advertisedHost()).as("advertised host of %s", name).isEqualTo(name).isEqualTo(service.get("hostname"));
        assertThat(config.streams().standbyReplicas()).isEqualTo(1);
        assertThat(config.api().tokens()).as("Grafana's token is accepted by %s", name)
            .anyMatch(token -> token.sha256().equals(ApiToken.sha256Hex(grafanaEnv.get("FLEETPULSE_GRAFANA_TOKEN"))));
      }
    }
  }

  @Test
  void theImagesAreBuiltFromTheRepositoryRoot() {
    compose.services().forEach((name, service) -> {
      if (service.get("build") instanceof Map<?, ?> build) {
        assertThat(RepositoryFiles.COMPOSE_DIR.resolve(String.valueOf(build.get("context"))).normalize()).isEqualTo(RepositoryFiles.ROOT);
        assertThat(RepositoryFiles.ROOT.resolve(String.valueOf(build.get("dockerfile")))).isEqualTo(RepositoryFiles.DOCKERFILE);
        assertThat(dockerfile.has(String.valueOf(build.get("target")))).as("Dockerfile stage %s", build.get("target")).isTrue();
      }
    });
    assertThat(RepositoryFiles.read(RepositoryFiles.DOCKERFILE.resolveSibling("Dockerfile.dockerignore")).lines()).contains("**/target");
  }
}
