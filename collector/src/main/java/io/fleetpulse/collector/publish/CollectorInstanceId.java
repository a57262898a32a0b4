package io.fleetpulse.collector.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Who this push collector is to Kafka, across its restarts: the middle part of its transactional ids.
 *
 * <p>Why it must be stable: a collector killed mid-transaction leaves that transaction open, and every
 * read_committed reader of the partitions it touched (the streams) waits behind it. A restarted collector
 * that registers the <em>same</em> transactional ids fences its predecessor and makes the broker abort
 * what it left open at once; with a new id each start, only the transaction timeout (or, for a hanging
 * transaction, nothing) ends it. So the id is either configured ({@code collector.instanceId}) or
 * generated once and kept in the data directory.
 *
 * <p>Two collectors running with the same id fence each other (their pushes fail with 503): each running
 * collector needs its own.
 */
public final class CollectorInstanceId {

  /** Kafka allows more, but the id also names files and metrics labels; keep it plain. */
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  static final String FILE_NAME = "collector-instance-id";

  private CollectorInstanceId() {}

  /**
   * The configured id when not blank (checked), otherwise the one kept in {@code dataDir}, created on the
   * first start.
   */
  public static String resolve(String configured, Path dataDir) {
    if (configured != null && !configured.isBlank()) {
      return checked(configured, "collector.instanceId");
    }
    Path file = dataDir.resolve(FILE_NAME);
    try {
      if (Files.exists(file)) {
        return checked(Files.readString(file, StandardCharsets.UTF_8).strip(), file.toString());
      }
      String created = UUID.randomUUID().toString();
      Files.createDirectories(dataDir);
      // Written whole or not at all: a collector killed here must not find half an id next time.
      Path partial = Files.createTempFile(dataDir, FILE_NAME, ".tmp");
      Files.writeString(partial, created + "\n", StandardCharsets.UTF_8);
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
      return created;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot keep the collector's instance id in " + file
          + ": make the data directory writable, or set collector.instanceId", e);
    }
  }

  private static String checked(String id, String source) {
    if (!VALID.matcher(id).matches()) {
      throw new IllegalArgumentException(source + " must be 1-64 letters, digits, '.', '_' or '-' (starting with a letter "
          + "or digit), got '" + id + "'");
    }
    return id;
  }
}
