package io.fleetpulse.launcher.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Who a process is to Kafka across its restarts: configured, or generated on the first start and kept in
 * the data directory.
 *
 * <p>Why it must be stable: a push collector killed mid-transaction leaves that transaction open, and every
 * read_committed reader of the partitions it touched waits behind it; a restarted collector registering the
 * <em>same</em> transactional ids fences its predecessor and makes the broker abort what it left open at
 * once. An api instance that rejoins the streams' consumer group under the same static member id
 * ({@code group.instance.id}) takes its partitions back at once, instead of the group waiting a session
 * timeout for the dead member first.
 *
 * <p>Two processes running with the same id fence each other (collector) or take turns (api): each
 * running process needs its own.
 */
public final class InstanceId {

  /** Kafka allows more, but the id also names files and client ids; keep it plain. */
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private InstanceId() {}

  /**
   * The configured id when not blank (checked), otherwise the one kept in {@code file}, created on the
   * first start.
   *
   * @param setting the configuration key, for messages
   */
  public static String resolve(String configured, String setting, Path file) {
    if (configured != null && !configured.isBlank()) {
      return checked(configured, setting);
    }
    try {
      if (Files.exists(file)) {
        return checked(Files.readString(file, StandardCharsets.UTF_8).strip(), file.toString());
      }
      String created = UUID.randomUUID().toString();
      Files.createDirectories(file.getParent());
      // Written whole or not at all: a process killed here must not find half an id next time.
      Path partial = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      Files.writeString(partial, created + "\n", StandardCharsets.UTF_8);
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
      return created;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot keep the instance id in " + file + ": make the data directory writable, or set " + setting, e);
    }
  }

  private static String checked(String id, String source) {
    if (!VALID.matcher(id).matches()) {
      throw new ConfigException(source + " must be 1-64 letters, digits, '.', '_' or '-' (starting with a letter or digit), got '"
          + id + "'");
    }
    return id;
  }
}
