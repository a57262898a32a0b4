package io.fleetpulse.launcher.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One fleetpulse per data directory and part: each part a process runs ({@code broker}, {@code collector},
 * {@code api}; {@code run} all three) takes an exclusive lock on {@code <dataDir>/.lock-<part>} before it
 * touches anything there, and keeps it until it stops (the operating system drops it when the process dies,
 * even by kill -9). A second start on the same data is refused at once, naming the holder, before it could
 * open the same Kafka log or state stores. The collector and the api role may share a data directory: they
 * hold different parts.
 */
public final class DataDirLock implements AutoCloseable {

  private final List<FileChannel> channels;

  private DataDirLock(List<FileChannel> channels) {
    this.channels = channels;
  }

  /**
   * @param command what this process runs, written into the lock files for whoever is refused next
   * @throws ConfigException when another process holds one of the parts
   */
  public static DataDirLock acquire(Path dataDir, String command, List<String> parts) {
    List<FileChannel> held = new ArrayList<>();
    try {
      Files.createDirectories(dataDir);
      for (String part : parts) {
        Path file = dataDir.resolve(".lock-" + part);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
          lock = null;
        }
        if (lock == null) {
          String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
          channel.close();
          throw new ConfigException("Data directory " + dataDir.toAbsolutePath() + " is in use: its " + part + " is held by "
              + (holder.isEmpty() ? "another fleetpulse" : holder) + ". Stop that one first, or give this one a data directory "
              + "of its own (--set dataDir=...).");
        }
        held.add(channel);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(("fleetpulse " + command + " (pid " + ProcessHandle.current().pid() + ", since "
            + Instant.now() + ")\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
      }
      return new DataDirLock(held);
    } catch (IOException e) {
      closeAll(held);
      throw new UncheckedIOException("Cannot lock data directory " + dataDir.toAbsolutePath() + ": " + e.getMessage(), e);
    } catch (RuntimeException refused) {
      closeAll(held);
      throw refused;
    }
  }

  @Override
  public void close() {
    closeAll(channels);
  }

  private static void closeAll(List<FileChannel> channels) {
    for (FileChannel channel : channels) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing releases the lock; a failure to close leaves it to the process's exit.
      }
    }
  }
}
