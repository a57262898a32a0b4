package io.fleetpulse.launcher.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds the configuration from four layers, each overriding the one before:
 * defaults, the YAML file, {@code FLEETPULSE_*} environment variables, command-line flags.
 *
 * <p>The layers are merged as trees and bound once at the end, so a typo in any layer is reported by
 * name instead of being silently ignored.
 */
public final class ConfigLoader {

  private static final String ENV_PREFIX = "FLEETPULSE_";

  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /**
   * @param file the YAML file, or null for none
   * @param env the process environment (only {@code FLEETPULSE_*} entries are read)
   * @param flags {@code path=value} overrides from the command line, in order
   */
  public FleetpulseConfig load(Path file, Map<String, String> env, List<String> flags) {
    ObjectNode tree = yaml.valueToTree(FleetpulseConfig.defaults());
    List<String> keys = leafPaths(tree, "");
    if (file != null) {
      merge(tree, readFile(file), file.toString());
    }
    for (String key : keys) {
      String value = env.get(envName(key));
      if (value != null) {
        set(tree, key, value);
      }
    }
    for (String flag : flags) {
      int equals = flag.indexOf('=');
      if (equals <= 0) {
        throw new ConfigException("--set needs path=value, e.g. --set api.port=8081; got '" + flag + "'");
      }
      String key = flag.substring(0, equals);
      if (!keys.contains(key)) {
        throw new ConfigException("Unknown setting '" + key + "' in --set. Known settings: " + String.join(", ", keys));
      }
      set(tree, key, flag.substring(equals + 1));
    }
    try {
      return yaml.treeToValue(tree, FleetpulseConfig.class);
    } catch (JsonProcessingException e) {
      throw new ConfigException("Invalid configuration: " + e.getOriginalMessage(), e);
    }
  }

  /** {@code collector.limits.maxFieldBytes} → {@code FLEETPULSE_COLLECTOR_LIMITS_MAX_FIELD_BYTES}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(java.util.Locale.ROOT);
  }

  /** Every settable key, e.g. {@code kafka.bootstrap}, in the defaults' order. */
  public List<String> keys() {
    return leafPaths(yaml.valueToTree(FleetpulseConfig.defaults()), "");
  }

  private JsonNode readFile(Path file) {
    try {
      JsonNode node = yaml.readTree(Files.readString(file));
      if (node == null || node.isMissingNode() || node.isNull()) {
        return yaml.createObjectNode();
      }
      if (!node.isObject()) {
        throw new ConfigException("Config file " + file + " must be a YAML mapping of settings");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new ConfigException("Config file " + file + " is not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException("Cannot read config file " + file + ": " + e.getMessage(), e);
    }
  }

  private static void merge(ObjectNode target, JsonNode layer, String source) {
    Iterator<Map.Entry<String, JsonNode>> fields = layer.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = target.get(field.getKey());
      if (existing == null) {
        throw new ConfigException("Unknown setting '" + field.getKey() + "' in " + source);
      }
      if (existing.isObject() && field.getValue().isObject()) {
        merge((ObjectNode) existing, field.getValue(), source);
      } else if (existing.isObject()) {
        throw new ConfigException("Setting '" + field.getKey() + "' in " + source + " must be a mapping");
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  private static void set(ObjectNode tree, String key, String value) {
    String[] path = key.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < path.length - 1; i++) {
      node = (ObjectNode) node.get(path[i]);
    }
    node.put(path[path.length - 1], value);
  }

  private static List<String> leafPaths(JsonNode node, String prefix) {
    List<String> paths = new ArrayList<>();
    node.fields().forEachRemaining(field -> {
      String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      if (field.getValue().isObject()) {
        paths.addAll(leafPaths(field.getValue(), path));
      } else {
        paths.add(path);
      }
    });
    return paths;
  }
}
