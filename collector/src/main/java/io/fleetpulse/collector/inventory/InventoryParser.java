package io.fleetpulse.collector.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetpulse.collector.journal.DeviceRef;
import io.fleetpulse.schemas.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the SSH device inventory, a YAML file:
 *
 * <pre>
 * defaults:                     # optional, for every device
 *   port: 22222                 # balenaOS's SSH port
 *   user: root
 *   identityFile: id_ed25519    # relative paths are relative to this file
 *   fleet: default
 * proxies:                      # optional, by name
 *   balena:
 *     host: ssh.balena-devices.com
 *     port: 22
 *     user: jdoe
 *     identityFile: id_balena
 *     command: "host -s {uuid} '{command}'"
 * devices:
 *   - {uuid: 0123…, fleet: harbor, host: 10.0.0.5}
 *   - {uuid: 4567…, proxy: balena}
 * </pre>
 *
 * Every mistake is reported with the device's position and the key, and nothing of a bad file is
 * used: a hot reload of a broken file keeps the previous inventory.
 */
public final class InventoryParser {

  public static final int DEFAULT_PORT = 22222;
  public static final String DEFAULT_USER = "root";

  private static final Set<String> TOP_KEYS = Set.of("defaults", "proxies", "devices");
  private static final Set<String> DEFAULT_KEYS = Set.of("port", "user", "identityFile", "fleet");
  private static final Set<String> PROXY_KEYS = Set.of("host", "port", "user", "identityFile", "command");
  private static final Set<String> DEVICE_KEYS = Set.of("uuid", "fleet", "host", "port", "user", "identityFile", "proxy");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?");
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
  private static final Pattern FLEET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  public DeviceInventory parse(Path file) throws InventoryException {
    try {
      return parse(file, Files.readAllBytes(file));
    } catch (IOException e) {
      throw new InventoryException("Cannot read inventory " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses {@code content}, read from {@code file} (which names errors and anchors relative paths). */
  public DeviceInventory parse(Path file, byte[] content) throws InventoryException {
    JsonNode root;
    try {
      root = yaml.readTree(content);
    } catch (JsonProcessingException e) {
      throw new InventoryException("Inventory " + file + " is not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InventoryException("Cannot read inventory " + file + ": " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return DeviceInventory.EMPTY;
    }
    Source source = new Source(file);
    source.mapping(root, "the file", TOP_KEYS);
    JsonNode defaultsNode = root.path("defaults");
    if (!defaultsNode.isMissingNode()) {
      source.mapping(defaultsNode, "defaults", DEFAULT_KEYS);
    }
    Map<String, SshProxy> proxies = proxies(source, root.path("proxies"));
    JsonNode devicesNode = root.path("devices");
    if (devicesNode.isMissingNode() || devicesNode.isNull()) {
      return DeviceInventory.EMPTY;
    }
    if (!devicesNode.isArray()) {
      throw source.error("'devices' must be a list");
    }
    List<InventoryDevice> devices = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < devicesNode.size(); i++) {
      InventoryDevice device = device(source, "device " + (i + 1), devicesNode.get(i), defaultsNode, proxies);
      if (!seen.add(device.uuid())) {
        throw source.error("device " + (i + 1) + ": uuid " + device.uuid() + " is listed twice");
      }
      devices.add(device);
    }
    return DeviceInventory.of(devices);
  }

  private Map<String, SshProxy> proxies(Source source, JsonNode node) throws InventoryException {
    Map<String, SshProxy> proxies = new HashMap<>();
    if (node.isMissingNode() || node.isNull()) {
      return proxies;
    }
    if (!node.isObject()) {
      throw source.error("'proxies' must be a mapping of proxy name to settings");
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String where = "proxy " + field.getKey();
      JsonNode proxy = field.getValue();
      source.mapping(proxy, where, PROXY_KEYS);
      String template = source.required(proxy, where, "command");
      if (!template.contains(SshProxy.UUID_PLACEHOLDER) || !template.contains(SshProxy.COMMAND_PLACEHOLDER)) {
        throw source.error(where + ": 'command' must contain " + SshProxy.UUID_PLACEHOLDER + " and " + SshProxy.COMMAND_PLACEHOLDER
            + ", e.g. \"host -s {uuid} '{command}'\"");
      }
      proxies.put(field.getKey(), new SshProxy(field.getKey(),
          source.matching(source.required(proxy, where, "host"), HOST, where, "host"),
          source.port(proxy.path("port"), 22, where),
          source.matching(source.required(proxy, where, "user"), USER, where, "user"),
          source.path(source.required(proxy, where, "identityFile")),
          template));
    }
    return proxies;
  }

  private InventoryDevice device(Source source, String where, JsonNode node, JsonNode defaults, Map<String, SshProxy> proxies)
      throws InventoryException {
    source.mapping(node, where, DEVICE_KEYS);
    String uuid = source.required(node, where, "uuid");
    if (!Topics.isDeviceUuid(uuid)) {
      throw source.error(where + ": uuid must be 32 or 62 lower-case hex digits, got '" + uuid + "'");
    }
    where = where + " (" + uuid + ")";
    String fleet = source.matching(source.text(node, defaults, "fleet", DeviceRef.DEFAULT_FLEET), FLEET, where, "fleet");
    String proxyName = source.optional(node, "proxy");
    if (proxyName != null) {
      SshProxy proxy = proxies.get(proxyName);
      if (proxy == null) {
        throw source.error(where + ": proxy '" + proxyName + "' is not defined under 'proxies'");
      }
      if (node.has("host") || node.has("port") || node.has("user") || node.has("identityFile")) {
        throw source.error(where + ": a device reached through proxy '" + proxyName + "' takes host, port, user and identityFile from the proxy");
      }
      return new InventoryDevice(uuid, fleet, null, 0, null, null, proxy);
    }
    String host = source.matching(source.required(node, where, "host"), HOST, where, "host");
    JsonNode port = node.has("port") ? node.get("port") : defaults.path("port");
    String user = source.matching(source.text(node, defaults, "user", DEFAULT_USER), USER, where, "user");
    String identity = source.text(node, defaults, "identityFile", null);
    if (identity == null) {
      throw source.error(where + ": 'identityFile' is missing (here or under defaults): the collector authenticates with keys only");
    }
    return new InventoryDevice(uuid, fleet, host, source.port(port, DEFAULT_PORT, where), user, source.path(identity), null);
  }

  /** The file being read, for error messages and relative paths. */
  private record Source(Path file) {

    InventoryException error(String message) {
      return new InventoryException("Inventory " + file + ": " + message);
    }

    void mapping(JsonNode node, String where, Set<String> allowed) throws InventoryException {
      if (!node.isObject()) {
        throw error(where + " must be a mapping");
      }
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!allowed.contains(name)) {
          throw error(where + ": unknown key '" + name + "' (known: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
        }
      }
    }

    String required(JsonNode node, String where, String key) throws InventoryException {
      String value = optional(node, key);
      if (value == null || value.isBlank()) {
        throw error(where + ": '" + key + "' is missing");
      }
      return value;
    }

    String optional(JsonNode node, String key) throws InventoryException {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return null;
      }
      if (!value.isValueNode()) {
        throw error("'" + key + "' must be a single value");
      }
      return value.asText();
    }

    String text(JsonNode node, JsonNode defaults, String key, String fallback) throws InventoryException {
      String value = optional(node, key);
      if (value == null && defaults.isObject()) {
        value = optional(defaults, key);
      }
      return value == null ? fallback : value;
    }

    String matching(String value, Pattern pattern, String where, String key) throws InventoryException {
      if (!pattern.matcher(value).matches()) {
        throw error(where + ": '" + key + "' has an invalid value '" + value + "'");
      }
      return value;
    }

    int port(JsonNode node, int fallback, String where) throws InventoryException {
      if (node.isMissingNode() || node.isNull()) {
        return fallback;
      }
      if (!node.canConvertToInt() || node.asInt() < 1 || node.asInt() > 65535) {
        throw error(where + ": 'port' must be a number 1..65535, got '" + node.asText() + "'");
      }
      return node.asInt();
    }

    Path path(String value) {
      Path path = Path.of(value);
      return path.isAbsolute() || file.getParent() == null ? path : file.getParent().resolve(path);
    }
  }
}
