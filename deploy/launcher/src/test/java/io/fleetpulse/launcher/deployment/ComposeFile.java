package io.fleetpulse.launcher.deployment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.Yaml;

/**
 * compose.yaml as Docker Compose reads it: anchors and merge keys resolved (SnakeYAML does both), bind
 * mounts resolved against the compose file's folder.
 */
public final class ComposeFile {

  /** A bind mount: {@code source} on the host, {@code target} in the container. */
  record Mount(Path source, String target) {}

  private final Map<String, Map<String, Object>> services;

  @SuppressWarnings("unchecked")
  public ComposeFile(Path file) {
    Map<String, Object> document = new Yaml().load(RepositoryFiles.read(file));
    this.services = new LinkedHashMap<>((Map<String, Map<String, Object>>) document.get("services"));
  }

  Map<String, Map<String, Object>> services() {
    return services;
  }

  public Map<String, Object> service(String name) {
    Map<String, Object> service = services.get(name);
    if (service == null) {
      throw new AssertionError("compose.yaml has no service " + name + "; it has " + services.keySet());
    }
    return service;
  }

  /** Bind mounts only (named volumes have no host source); short syntax {@code source:target[:mode]}. */
  List<Mount> bindMounts(String serviceName) {
    List<Mount> mounts = new ArrayList<>();
    for (Object volume : list(service(serviceName), "volumes")) {
      String[] parts = String.valueOf(volume).split(":");
      if (parts[0].startsWith(".") || parts[0].startsWith("/")) {
        mounts.add(new Mount(RepositoryFiles.COMPOSE_DIR.resolve(parts[0]).normalize(), parts[1]));
      }
    }
    return mounts;
  }

  /** The host file a container path comes from, through the service's bind mounts (file or folder mounts). */
  Optional<Path> hostPath(String serviceName, String containerPath) {
    for (Mount mount : bindMounts(serviceName)) {
      if (containerPath.equals(mount.target())) {
        return Optional.of(mount.source());
      }
      if (containerPath.startsWith(mount.target() + "/")) {
        return Optional.of(mount.source().resolve(containerPath.substring(mount.target().length() + 1)));
      }
    }
    return Optional.empty();
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>();
    Object declared = service.get("environment");
    if (declared instanceof Map<?, ?> map) {
      ((Map<String, Object>) map).forEach((key, value) -> env.put(key, String.valueOf(value)));
    }
    return env;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Map<String, Object> service, String key) {
    Object value = service.get(key);
    if (value == null) {
      return List.of();
    }
    if (value instanceof Map<?, ?> map) {
      return new ArrayList<>(((Map<Object, Object>) map).keySet());
    }
    return (List<Object>) value;
  }
}
