package io.fleetpulse.collector.push;

import io.fleetpulse.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-device tokens for every push endpoint, stored hashed: a file of lines
 * {@code <device uuid> <sha256 of the token, hex> [fleet]} ({@code printf %s "$TOKEN" | sha256sum}),
 * {@code #} comments allowed; the optional fleet registers the device in it (see DeviceAuthentication). The file is re-read when it changes, so tokens are added or revoked without a
 * restart; a file that fails to parse keeps the previous tokens (and says why in the log).
 */
final class DeviceTokens {

  private static final Logger log = LoggerFactory.getLogger(DeviceTokens.class);
  /** How often the file is checked for changes. */
  static final long RELOAD_CHECK_MS = 2_000;
  private static final Pattern FLEET = Pattern.compile(DeviceAuthentication.FLEET_NAME);

  private final Path file;
  private record Registration(byte[] hash, String fleet) {}

  private volatile Map<String, Registration> devices = Map.of();
  private FileTime loadedVersion;

  private DeviceTokens(Path file) {
    this.file = file;
  }

  /** Loads the file (blocking). */
  static DeviceTokens load(Path file) throws IOException {
    DeviceTokens tokens = new DeviceTokens(file);
    tokens.reload();
    return tokens;
  }

  /** True when the token is the device's. Compares hashes in constant time. */
  boolean permits(String deviceUuid, String token) {
    Registration expected = devices.get(deviceUuid);
    return expected != null && token != null && MessageDigest.isEqual(expected.hash(), sha256(token));
  }

  /** The fleet the device is registered in, or null when the file names none. */
  String registeredFleet(String deviceUuid) {
    Registration registration = devices.get(deviceUuid);
    return registration == null ? null : registration.fleet();
  }

  /** Re-reads the file if it changed (blocking). */
  void reloadIfChanged() {
    try {
      if (!Files.getLastModifiedTime(file).equals(loadedVersion)) {
        reload();
      }
    } catch (IOException | IllegalArgumentException e) {
      log.warn("Device token file {} not reloaded, keeping the previous tokens: {}", file, e.getMessage());
    }
  }

  private synchronized void reload() throws IOException {
    FileTime version = Files.getLastModifiedTime(file);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, Registration> parsed = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length < 2 || parts.length > 3 || !Topics.isDeviceUuid(parts[0]) || !parts[1].matches("[0-9a-f]{64}")
          || parts.length == 3 && !FLEET.matcher(parts[2]).matches()) {
        throw new IllegalArgumentException("line " + (i + 1) + ": expected '<device uuid> <sha256 hex> [fleet]'");
      }
      parsed.put(parts[0], new Registration(HexFormat.of().parseHex(parts[1]), parts.length == 3 ? parts[2] : null));
    }
    devices = Map.copyOf(parsed);
    loadedVersion = version;
    log.info("Loaded bearer tokens for {} devices from {}", parsed.size(), file);
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
